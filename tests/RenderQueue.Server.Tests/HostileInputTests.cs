using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Artifacts;
using RenderQueue.Server.Configuration;
using RenderQueue.Processes;

namespace RenderQueue.Server.Tests;

/// <summary>Hostile bodies and names: long strings, deep nesting, bad UTF-8, path tricks, floods. 4xx, never 5xx.</summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly RenderQueueApp _app = new RenderQueueApp().With("Limits:MaxJsonStringBytes", "1000");
    private readonly HttpClient _http;

    public HostileInputTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    private static string Long(int length) => new('x', length);

    [Theory]
    [InlineData("payload.prompt", """{"type": "simulated", "payload": {"prompt": "LONG"}}""")]
    [InlineData("payload", """{"type": "simulated", "payload": ["ok", {"deep": ["LONG"]}]}""")]
    [InlineData("payload", """{"type": "simulated", "payload": {"LONG": 1}}""")]
    [InlineData("metadata", """{"type": "simulated", "payload": {}, "metadata": {"note": "LONG"}}""")]
    [InlineData("idempotency_key", """{"type": "simulated", "payload": {}, "idempotency_key": "LONG"}""")]
    public async Task Strings_over_the_limit_are_400_naming_the_field(string field, string template)
    {
        var response = await _http.PostJsonAsync("/api/v1/jobs", template.Replace("LONG", Long(1001), StringComparison.Ordinal));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "longer than the limit of 1000 bytes");
        Assert.Contains(problem.ErrorFields(), f => f.StartsWith(field.Split('.')[0], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_string_at_the_limit_is_accepted()
    {
        var job = await _http.SubmitAsync($$$"""{"type": "simulated", "payload": {"prompt": "{{{Long(1000)}}}"}}""");

        Assert.Equal(1000, job.Payload.GetProperty("prompt").GetString()!.Length);
    }

    [Fact]
    public async Task Long_strings_in_worker_bodies_are_refused_too()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        var leased = (await _http.LeaseAsync("gpu-1")).Single();

        await (await _http.PostJsonAsync($"/api/v1/leases/{job.Id}/complete", $$$"""{"attempt": {{{leased.Attempt}}}, "result": {"log": "{{{Long(2000)}}}"}}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "longer than the limit");
        await (await _http.PostJsonAsync($"/api/v1/leases/{job.Id}/fail", $$$"""{"attempt": {{{leased.Attempt}}}, "error": {"message": "{{{Long(2000)}}}"}}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "longer than the limit");
        Assert.Equal(JobState.Running, (await _http.GetJobAsync(job.Id)).State);
    }

    [Theory]
    [InlineData(64, HttpStatusCode.BadRequest)]
    [InlineData(10_000, HttpStatusCode.BadRequest)]
    [InlineData(60, HttpStatusCode.Created)]
    public async Task Nesting_deeper_than_64_is_400(int depth, HttpStatusCode expected)
    {
        // The body itself is one level, the payload another: depth counts from the body.
        var payload = string.Concat(Enumerable.Repeat("[", depth)) + string.Concat(Enumerable.Repeat("]", depth));
        var response = await _http.PostJsonAsync("/api/v1/jobs", $$"""{"type": "simulated", "payload": {{payload}}}""");

        if (expected == HttpStatusCode.Created) Assert.Equal(expected, response.StatusCode);
        else await response.AssertProblemAsync(expected, "depth");
    }

    [Fact]
    public async Task An_escaped_lone_surrogate_is_400_and_nothing_is_stored()
    {
        var response = await _http.PostJsonAsync("/api/v1/jobs", """{"type": "simulated", "payload": {"prompt": "\ud800"}}""");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "not well-formed Unicode");
        Assert.Empty((await (await _http.GetAsync("/api/v1/jobs")).ReadAsync<JobPage>()).Items);
    }

    [Fact]
    public async Task Invalid_utf8_is_400()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"type\": \"simulated\", \"payload\": {\"prompt\": \""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}}")];
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        await (await _http.PostAsync("/api/v1/jobs", content)).AssertProblemAsync(HttpStatusCode.BadRequest, "not well-formed Unicode");
    }

    [Theory]
    [InlineData("..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("%2E%2E")]
    [InlineData("..%5C..%5Csecret.txt")]
    [InlineData("%E2%80%AEgnp.exe")]       // U+202E right-to-left override
    [InlineData("a%E2%80%8Bb.png")]         // U+200B zero-width space
    [InlineData("C:%5CWindows%5Cwin.ini")]
    [InlineData(".env")]
    public async Task Artifact_downloads_cannot_leave_the_jobs_folder(string name)
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        File.WriteAllText(Path.Combine(_app.DataFolder, "secret.txt"), "TOP-SECRET-CONTENT");
        File.WriteAllText(Path.Combine(_app.DataFolder, ".env"), "TOP-SECRET-CONTENT");

        var response = await _http.GetAsync($"/api/v1/jobs/{job.Id}/artifacts/{name}");

        // Dot segments are resolved before routing: ".." lands on the job itself (its JSON), never on a file.
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound
            || response.Content.Headers.ContentType?.MediaType == "application/json" && body.Contains(job.Id, StringComparison.Ordinal),
            $"{(int)response.StatusCode} for {name}: {body}");
        Assert.DoesNotContain("TOP-SECRET-CONTENT", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_never_deletes_outside_the_artifact_folder()
    {
        using var root = new TempDirectory("renderqueue-retention-paths");
        var artifacts = Directory.CreateDirectory(root.File("artifacts")).FullName;
        var outside = Directory.CreateDirectory(root.File("precious")).FullName;
        File.WriteAllText(Path.Combine(outside, "keep.txt"), "keep");
        var storage = new ArtifactStorage(Options.Create(new ArtifactOptions { Folder = artifacts }), NullLogger<ArtifactStorage>.Instance);

        foreach (var id in new[] { "../precious", "..", "/tmp", "", "01jd3r1q6m8x0b4k7c2w9f5t3n/../../precious" }) storage.DeleteJob(id);

        Assert.True(File.Exists(Path.Combine(outside, "keep.txt")));
        Assert.True(Directory.Exists(artifacts));
    }

    [Fact]
    public async Task A_caller_over_its_rate_gets_429_with_retry_after_while_its_workers_renewals_go_on()
    {
        using var app = new RenderQueueApp().With("RateLimits:RequestsPerSecond", "1").With("RateLimits:Burst", "3");
        var http = app.CreateClient();
        await http.RegisterWorkerAsync("gpu-1"); // worker bucket
        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        var leased = (await http.LeaseAsync("gpu-1")).Single();

        HttpResponseMessage response;
        var sent = 1;
        do
        {
            response = await http.GetAsync("/api/v1/jobs");
        } while (response.StatusCode == HttpStatusCode.OK && ++sent < 50);

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "try again in");
        Assert.InRange(sent, 3, 5);
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        var renew = await http.PostJsonAsync($"/api/v1/leases/{job.Id}/renew", $$"""{"attempt": {{leased.Attempt}}}""");
        Assert.Equal(HttpStatusCode.OK, renew.StatusCode);
        using var other = app.ClientWithKey(await app.CreateKeyAsync(ApiKeyRole.Submit));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/jobs")).StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_key_are_limited_per_client_address()
    {
        using var app = new RenderQueueApp().With("RateLimits:RequestsPerSecond", "1").With("RateLimits:Burst", "2");
        _ = app.Services;
        HttpStatusCode last = 0;
        for (var i = 0; i < 5; i++)
        {
            var context = await app.Server.SendAsync(c =>
            {
                c.Request.Method = "GET";
                c.Request.Path = "/api/v1/jobs";
                c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
            });
            last = (HttpStatusCode)context.Response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, last);
    }
}
