using System.Net;
using System.Text;
using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;

namespace RenderQueue.Server.Tests;

/// <summary>curl-like helpers: raw JSON in, status and problem bodies checked.</summary>
internal static class Http
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, RenderQueueJson.Options)!;
    }

    public static Task<Job> ReadJobAsync(this HttpResponseMessage response) => response.ReadAsync<Job>();

    public static async Task<Job> GetJobAsync(this HttpClient http, string id) => await (await http.GetAsync($"/api/v1/jobs/{id}")).ReadJobAsync();

    /// <summary>Asserts an <c>application/problem+json</c> answer with <paramref name="status"/> whose detail mentions
    /// <paramref name="detailContains"/>; returns the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? detailContains = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        if (detailContains is not null)
            Assert.Contains(detailContains, body.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        return body;
    }

    /// <summary>The field errors of a validation or JSON problem.</summary>
    public static IReadOnlyList<string> ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateObject().Select(p => p.Name)] : [];

    public static async Task<Job> SubmitAsync(this HttpClient http, string json)
    {
        var response = await http.PostJsonAsync("/api/v1/jobs", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJobAsync();
    }

    public static async Task RegisterWorkerAsync(this HttpClient http, string id, string types = "[\"simulated\"]")
    {
        var response = await http.PostJsonAsync("/api/v1/workers/register", $$"""{"id": "{{id}}", "name": "{{id}}", "types": {{types}}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>One lease call; returns the jobs it got (none when nothing was ready).</summary>
    public static async Task<IReadOnlyList<Job>> LeaseAsync(this HttpClient http, string workerId, double wait = 0, int maxJobs = 1, CancellationToken ct = default)
    {
        var json = FormattableString.Invariant($$"""{"worker_id": "{{workerId}}", "wait": {{wait}}, "max_jobs": {{maxJobs}}}""");
        var response = await http.PostAsync("/api/v1/leases", new StringContent(json, Encoding.UTF8, "application/json"), ct);
        var body = await response.ReadAsync<JsonElement>();
        return body.GetProperty("jobs").Deserialize<List<Job>>(RenderQueueJson.Options)!;
    }

    public static Task<HttpResponseMessage> CompleteAsync(this HttpClient http, string jobId, int attempt) =>
        http.PostJsonAsync($"/api/v1/leases/{jobId}/complete", "{\"attempt\": " + attempt + ", \"result\": {\"ok\": true}}");

    /// <summary>Waits (in real time, bounded) for background work the test cannot await directly, such as the reaper.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}; last value: {value}");
            await Task.Delay(10);
        }
    }
}
