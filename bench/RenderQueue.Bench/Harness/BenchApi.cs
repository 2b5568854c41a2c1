using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Json;
using RenderQueue.Core.Workers;

namespace RenderQueue.Bench.Harness;

/// <summary>One job as a lease answered it: what a simulated worker needs to complete it.</summary>
internal readonly record struct LeasedJob(string Id, int Attempt, long Number);

/// <summary>
/// A lean HTTP client of the API for the bench's simulated workers and submitters: bodies are prebuilt UTF-8, answers
/// are read only for what the bench needs. The full <c>RenderQueueClient</c> builds a <c>Job</c> from every answer;
/// here the bench's own CPU would compete with the server for the same two cores, so it does as little as it can.
/// </summary>
internal sealed class BenchApi : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;

    public BenchApi(Uri address)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = int.MaxValue,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        _http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
    }

    public Task RegisterAsync(string workerId, string type, CancellationToken ct) =>
        PostAsync("api/v1/workers/register", Utf8($$"""{"id":"{{workerId}}","name":"{{workerId}}","types":["{{type}}"]}"""), ct);

    /// <summary>Registers a worker described in full (GPUs, backends), as the worker program does.</summary>
    public Task RegisterAsync(WorkerRegistration registration, CancellationToken ct) =>
        PostAsync("api/v1/workers/register", JsonSerializer.SerializeToUtf8Bytes(registration, RenderQueueJson.Compact), ct);

    public Task HeartbeatAsync(string workerId, WorkerHeartbeat heartbeat, CancellationToken ct) =>
        PostAsync($"api/v1/workers/{workerId}/heartbeat", JsonSerializer.SerializeToUtf8Bytes(heartbeat, RenderQueueJson.Compact), ct);

    /// <summary>PATCH /api/v1/queues/{name}; false when this server has no such resource (404 or 405 from a server
    /// older than per-queue settings).</summary>
    public async Task<bool> TryPatchQueueAsync(string queue, string json, CancellationToken ct)
    {
        using var content = new ByteArrayContent(Utf8(json));
        content.Headers.ContentType = Json;
        using var response = await _http.PatchAsync($"api/v1/queues/{queue}", content, ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed) return false;
        await EnsureSuccessAsync(response, ct);
        return true;
    }

    /// <summary>Ready jobs per queue (<c>counts.queued</c> of GET /api/v1/queues).</summary>
    public async Task<Dictionary<string, long>> ReadyJobsAsync(CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await GetBytesAsync("api/v1/queues", ct));
        return document.RootElement.GetProperty("items").EnumerateArray().ToDictionary(
            q => q.GetProperty("name").GetString()!, q => q.GetProperty("counts").TryGetProperty("queued", out var n) ? n.GetInt64() : 0, StringComparer.Ordinal);
    }

    /// <summary>POST /api/v1/jobs/batch with a prebuilt body.</summary>
    public Task SubmitBatchAsync(byte[] body, CancellationToken ct) => PostAsync("api/v1/jobs/batch", body, ct);

    /// <summary>POST /api/v1/jobs with a prebuilt body.</summary>
    public Task SubmitAsync(byte[] body, CancellationToken ct) => PostAsync("api/v1/jobs", body, ct);

    public static byte[] LeaseBody(string workerId, int maxJobs, int waitSeconds) =>
        Utf8(FormattableString.Invariant($$"""{"worker_id":"{{workerId}}","max_jobs":{{maxJobs}},"wait":{{waitSeconds}}}"""));

    /// <summary>A lease body offering one free slot per entry of <paramref name="slots"/>, as a worker with backends sends.</summary>
    public static byte[] LeaseBody(string workerId, IReadOnlyList<FreeGpuSlot> slots, int waitSeconds) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new LeaseJobsRequest { WorkerId = workerId, MaxJobs = slots.Count, Wait = TimeSpan.FromSeconds(waitSeconds), GpusFree = slots },
            RenderQueueJson.Compact);

    /// <summary>Long-polls <c>POST /api/v1/leases</c>; the jobs with their <c>payload.n</c>.</summary>
    public async Task<List<LeasedJob>> LeaseAsync(byte[] body, CancellationToken ct)
    {
        var bytes = await PostAsync("api/v1/leases", body, ct);
        return ReadLeased(bytes);
    }

    /// <summary>A worker loop's lease: null once <paramref name="stop"/> fires, so the loop ends instead of throwing.</summary>
    public async Task<List<LeasedJob>?> LeaseUntilStoppedAsync(byte[] body, CancellationToken stop)
    {
        try
        {
            return await LeaseAsync(body, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
    }

    public Task CompleteAsync(LeasedJob job, CancellationToken ct) =>
        PostAsync($"api/v1/leases/{job.Id}/complete", Utf8(FormattableString.Invariant($$"""{"attempt":{{job.Attempt}}}""")), ct);

    /// <summary>POST /api/v1/leases/complete for a leased batch; how many of them the server refused.</summary>
    public async Task<int> CompleteManyAsync(IReadOnlyList<LeasedJob> jobs, CancellationToken ct)
    {
        var body = new StringBuilder(jobs.Count * 48).Append("{\"completions\":[");
        for (var i = 0; i < jobs.Count; i++)
        {
            if (i > 0) body.Append(',');
            body.Append(CultureInfo.InvariantCulture, $$"""{"job_id":"{{jobs[i].Id}}","attempt":{{jobs[i].Attempt}}}""");
        }
        var answer = await PostAsync("api/v1/leases/complete", Utf8(body.Append("]}").ToString()), ct);
        using var document = JsonDocument.Parse(answer);
        return document.RootElement.GetProperty("results").EnumerateArray().Count(r => r.GetProperty("error").ValueKind != JsonValueKind.Null);
    }

    public Task SetPausedAsync(string queue, bool paused, CancellationToken ct) =>
        PostAsync($"api/v1/queues/{queue}/{(paused ? "pause" : "resume")}", "{}"u8.ToArray(), ct);

    /// <summary>A GET whose answer is read and dropped (stats, job lists); throws unless 2xx.</summary>
    public async Task GetAsync(string path, CancellationToken ct)
    {
        using var response = await _http.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct);
        await EnsureSuccessAsync(response, ct);
    }

    public async Task<byte[]> GetBytesAsync(string path, CancellationToken ct)
    {
        using var response = await _http.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct);
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    public void Dispose() => _http.Dispose();

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<byte[]> PostAsync(string path, byte[] body, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var response = await _http.PostAsync(path, content, ct);
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(ct);
        throw new BenchHttpException(response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {text}");
    }

    /// <summary>Reads <c>jobs[].id</c>, <c>jobs[].attempt</c> and <c>jobs[].payload.n</c> of a lease answer.</summary>
    private static List<LeasedJob> ReadLeased(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var jobs = document.RootElement.GetProperty("jobs");
        var leased = new List<LeasedJob>(jobs.GetArrayLength());
        foreach (var job in jobs.EnumerateArray())
        {
            var number = job.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
                && payload.TryGetProperty("n", out var n) ? n.GetInt64() : -1;
            leased.Add(new LeasedJob(job.GetProperty("id").GetString()!, job.GetProperty("attempt").GetInt32(), number));
        }
        return leased;
    }
}

/// <summary>The server refused a bench request.</summary>
internal sealed class BenchHttpException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>Prebuilt submit bodies: no-op jobs whose payload is <c>{"n": index}</c> (and optional fields).</summary>
internal static class SubmitBodies
{
    /// <summary>Jobs <paramref name="first"/>… (<paramref name="jobs"/> of them) in batch bodies of <see cref="Scenarios.JobFlow.SubmitBatchSize"/>.</summary>
    public static List<byte[]> Batches(
        string queue, string type, int jobs, long first = 0, Func<long, string>? extra = null, Func<long, string>? payloadExtra = null)
    {
        var batches = new List<byte[]>();
        for (var done = 0; done < jobs; done += Scenarios.JobFlow.SubmitBatchSize)
            batches.Add(Batch(queue, type, first + done, Math.Min(Scenarios.JobFlow.SubmitBatchSize, jobs - done), extra, payloadExtra));
        return batches;
    }

    /// <summary>
    /// A batch body of jobs <paramref name="first"/>…<paramref name="first"/>+<paramref name="count"/>-1 of
    /// <paramref name="type"/> in <paramref name="queue"/>; <paramref name="extra"/> adds job fields after the payload
    /// and <paramref name="payloadExtra"/> payload fields after <c>n</c>, each text starting with a comma.
    /// </summary>
    public static byte[] Batch(string queue, string type, long first, int count, Func<long, string>? extra = null, Func<long, string>? payloadExtra = null)
    {
        var text = new StringBuilder(count * 64).Append("{\"jobs\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0) text.Append(',');
            AppendJob(text, queue, type, first + i, extra, payloadExtra);
        }
        return Encoding.UTF8.GetBytes(text.Append("]}").ToString());
    }

    public static byte[] Single(string queue, string type, long number) =>
        Encoding.UTF8.GetBytes(AppendJob(new StringBuilder(), queue, type, number, null, null).ToString());

    private static StringBuilder AppendJob(
        StringBuilder text, string queue, string type, long number, Func<long, string>? extra, Func<long, string>? payloadExtra) =>
        text.Append(CultureInfo.InvariantCulture,
            $$"""{"queue":"{{queue}}","type":"{{type}}","payload":{"n":{{number}}{{payloadExtra?.Invoke(number)}}}{{extra?.Invoke(number)}}}""");
}
