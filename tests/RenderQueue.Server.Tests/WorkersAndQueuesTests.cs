using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Core.Api;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;
using RenderQueue.Server.Dispatch;

namespace RenderQueue.Server.Tests;

public sealed class WorkersAndQueuesTests : IDisposable
{
    private readonly RenderQueueApp _app = new();
    private readonly HttpClient _http;

    public WorkersAndQueuesTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Register_answers_the_lease_timings_and_lists_the_worker()
    {
        var response = await _http.PostJsonAsync("/api/v1/workers/register",
            """{"id": "gpu-box-1", "name": "gpu-box-1", "types": ["comfyui"], "labels": ["region=eu"], "gpus": [{"index": 0, "name": "RTX 4090", "vram_total_mb": 24564, "vram_free_mb": 23000}]}""");
        var registered = await response.ReadAsync<RegisterWorkerResponse>();
        Assert.Equal(TimeSpan.FromSeconds(30), registered.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), registered.HeartbeatInterval);

        var workers = await (await _http.GetAsync("/api/v1/workers")).ReadAsync<ItemsResponse<WorkerInfo>>();
        Assert.Equal(23000, workers.Items.Single().FreeVramMb);
    }

    [Fact]
    public async Task Registration_without_types_is_400()
    {
        var problem = await (await _http.PostJsonAsync("/api/v1/workers/register", """{"name": "x", "types": []}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("types", problem.ErrorFields());
    }

    [Fact]
    public async Task Heartbeat_of_an_unknown_worker_is_404_telling_it_to_register()
    {
        await (await _http.PostJsonAsync("/api/v1/workers/ghost/heartbeat", """{"current_jobs": []}""")).AssertProblemAsync(HttpStatusCode.NotFound, "register");
    }

    [Fact]
    public async Task Drain_reaches_the_worker_in_its_next_heartbeat_and_it_leases_nothing()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        (await _http.PostAsync("/api/v1/workers/gpu-1/drain", null)).EnsureSuccessStatusCode();

        var beat = await (await _http.PostJsonAsync("/api/v1/workers/gpu-1/heartbeat", """{"current_jobs": []}""")).ReadAsync<HeartbeatResponse>();
        Assert.True(beat.DrainRequested);
        Assert.Empty(await _http.LeaseAsync("gpu-1"));
    }

    [Fact]
    public async Task Requirements_are_matched_against_the_registered_capabilities()
    {
        (await _http.PostJsonAsync("/api/v1/workers/register", """{"id": "small", "name": "small", "types": ["comfyui"], "gpus": [{"index": 0, "name": "T4", "vram_total_mb": 16000, "vram_free_mb": 6000}]}""")).EnsureSuccessStatusCode();
        var big = await _http.SubmitAsync("""{"type": "comfyui", "payload": {}, "requirements": {"min_vram_mb": 8000}}""");
        Assert.Empty(await _http.LeaseAsync("small"));

        var lease = await _http.PostJsonAsync("/api/v1/leases", """{"worker_id": "small", "free_vram_mb": 12000}""");
        Assert.Equal(big.Id, (await lease.ReadAsync<LeaseJobsResponse>()).Jobs.Single().Id);
    }

    [Fact]
    public async Task Paused_queue_keeps_jobs_until_resumed_and_resume_wakes_a_parked_worker()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var paused = await (await _http.PostAsync("/api/v1/queues/renders/pause", null)).ReadAsync<QueueInfo>();
        Assert.True(paused.Paused);
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "renders"}""");

        var parked = _http.LeaseAsync("gpu-1", wait: 30);
        var dispatcher = _app.Services.GetRequiredService<LeaseDispatcher>();
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "the lease to park");
        Assert.False(parked.IsCompleted);

        (await _http.PostAsync("/api/v1/queues/renders/resume", null)).EnsureSuccessStatusCode();
        Assert.Equal(job.Id, (await parked).Single().Id);

        var queues = await (await _http.GetAsync("/api/v1/queues")).ReadAsync<ItemsResponse<QueueInfo>>();
        Assert.False(queues.Items.Single(q => q.Name == "renders").Paused);
    }
}
