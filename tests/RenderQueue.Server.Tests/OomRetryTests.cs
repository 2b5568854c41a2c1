using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Storage.Sqlite;

namespace RenderQueue.Server.Tests;

/// <summary>
/// An oom on a 24 GB card through the HTTP API: retried on a larger GPU at once when one is online, else waiting
/// <c>scheduled</c> with a <c>wait_reason</c> until one registers, or failing <c>oom</c> after <c>Scheduler:LargerGpuWait</c>.
/// </summary>
public sealed class OomRetryTests : IDisposable
{
    private static readonly AssignedGpu Rtx4090 = new(0, "NVIDIA GeForce RTX 4090", 24_564);
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(10);

    private readonly RenderQueueApp _app = new RenderQueueApp().With("Scheduler:LargerGpuWait", "00:10:00");
    private readonly HttpClient _http;

    public OomRetryTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    private async Task RegisterGpuWorker(string id, long totalMb) =>
        (await _http.PostJsonAsync("/api/v1/workers/register", FormattableString.Invariant(
            $$"""{"id": "{{id}}", "name": "{{id}}", "types": ["comfyui"], "gpus": [{"index": 0, "name": "GPU", "vram_total_mb": {{totalMb}}, "vram_free_mb": {{totalMb}}}]}""")))
            .EnsureSuccessStatusCode();

    /// <summary>Submits a job, leases it to the 24 GB worker, places it on its card and reports an oom; returns the answer's JSON.</summary>
    private async Task<JsonElement> OomOnTheSmallWorker()
    {
        await RegisterGpuWorker("small", 24_564);
        var job = await _http.SubmitAsync("""{"type": "comfyui", "payload": {}}""");
        var leased = (await _http.LeaseAsync("small")).Single();
        Assert.Equal(job.Id, leased.Id);
        // Until the lease places jobs on GPUs itself, the test records the card as that placement would.
        var store = (SqliteJobStore)_app.Services.GetRequiredService<IJobStore>();
        await store.TransitionAsync(job.Id, (j, _) => new JobChange(
            j with { AssignedGpu = Rtx4090, Attempts = [j.Attempts[0] with { Gpu = Rtx4090 }] }, j.State, null), CancellationToken.None);

        var failed = await _http.PostJsonAsync($"/api/v1/leases/{job.Id}/fail",
            """{"attempt": 1, "error": {"message": "CUDA out of memory. Tried to allocate 2.00 GiB", "class": "oom"}, "retryable": true}""");
        return await failed.ReadAsync<JsonElement>();
    }

    private async Task<JsonElement> Get(string id) => await (await _http.GetAsync($"/api/v1/jobs/{id}")).ReadAsync<JsonElement>();

    [Fact]
    public async Task An_oom_on_24_GB_with_a_48_GB_worker_online_is_queued_needing_more_than_24564_MB()
    {
        await RegisterGpuWorker("big", 49_140);

        var job = await OomOnTheSmallWorker();

        Assert.Equal("queued", job.GetProperty("state").GetString());
        Assert.Equal(24_564, job.GetProperty("requirements").GetProperty("vram_above_mb").GetInt64());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("wait_reason").ValueKind);
    }

    [Fact]
    public async Task With_no_larger_gpu_the_job_waits_with_its_reason_until_a_48_GB_worker_registers()
    {
        var failed = await OomOnTheSmallWorker();
        var id = failed.GetProperty("id").GetString()!;

        var waiting = await Get(id);
        Assert.Equal("scheduled", waiting.GetProperty("state").GetString());
        Assert.Equal("waiting for a GPU with more than 24,564 MB", waiting.GetProperty("wait_reason").GetString());

        await RegisterGpuWorker("big", 49_140);

        var queued = await Get(id);
        Assert.Equal("queued", queued.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("wait_reason").ValueKind);
    }

    [Fact]
    public async Task With_no_larger_gpu_ever_the_job_fails_oom_after_the_configured_wait()
    {
        var failed = await OomOnTheSmallWorker();
        var id = failed.GetProperty("id").GetString()!;
        _app.Clock.Advance(Wait - TimeSpan.FromSeconds(1));
        await _http.PostJsonAsync("/api/v1/workers/small/heartbeat", """{"current_jobs": []}""");
        Assert.Equal("scheduled", (await Get(id)).GetProperty("state").GetString());

        _app.Clock.Advance(TimeSpan.FromSeconds(1)); // the scheduler (leader) wakes at the end of the wait

        var gaveUp = await Http.EventuallyAsync(() => Get(id), j => j.GetProperty("state").GetString() == "failed", "the job to fail for good");
        var error = gaveUp.GetProperty("error");
        Assert.Equal("oom", error.GetProperty("class").GetString());
        Assert.StartsWith("waiting for a GPU with more than 24,564 MB", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
