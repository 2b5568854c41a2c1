using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Server.Dispatch;

namespace RenderQueue.Server.Tests;

/// <summary>The lease endpoint's GPU slots (<c>gpus_free</c>), its refusals, and the worker-health gate.</summary>
public sealed class PlacementTests : IDisposable
{
    private readonly RenderQueueApp _app = new();
    private readonly HttpClient _http;

    public PlacementTests() => _http = _app.CreateClient();

    private const string TwoGpus =
        """
        "gpus": [{"index": 0, "name": "RTX 4090", "vram_total_mb": 24564, "vram_free_mb": 2000, "uuid": "GPU-4090"},
                 {"index": 1, "name": "RTX A6000", "vram_total_mb": 49140, "vram_free_mb": 1000, "uuid": "GPU-a6000"}]
        """;

    private async Task Register(string json) => (await _http.PostJsonAsync("/api/v1/workers/register", json)).EnsureSuccessStatusCode();

    private Task<HttpResponseMessage> Lease(string json) => _http.PostJsonAsync("/api/v1/leases", json);

    [Fact]
    public async Task Each_job_goes_to_a_free_GPU_it_fits_whatever_nvidia_smi_says_is_free()
    {
        await Register($$"""{"id": "box", "name": "box", "types": ["simulated"], {{TwoGpus}}}""");
        var big = await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "requirements": {"min_vram_mb": 40000}}""");

        var onSmall = await (await Lease("""{"worker_id": "box", "gpus_free": [{"index": 0, "vram_free_mb": 24000}]}""")).ReadAsync<LeaseJobsResponse>();
        Assert.Empty(onSmall.Jobs);

        var onBig = await (await Lease("""{"worker_id": "box", "gpus_free": [{"index": 1, "vram_free_mb": 900}]}""")).ReadAsync<LeaseJobsResponse>();
        var leased = Assert.Single(onBig.Jobs);
        Assert.Equal(big.Id, leased.Id);
        Assert.Equal(new AssignedGpu(1, "RTX A6000", 49140, "GPU-a6000"), leased.AssignedGpu);
        Assert.Equal(leased.AssignedGpu, (await _http.GetJobAsync(big.Id)).Attempts.Single().Gpu);
    }

    [Fact]
    public async Task The_response_names_the_assigned_gpu_in_snake_case()
    {
        await Register($$"""{"id": "box", "name": "box", "types": ["simulated"], {{TwoGpus}}}""");
        await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");

        var text = await (await Lease("""{"worker_id": "box", "gpus_free": [{"index": 0}]}""")).Content.ReadAsStringAsync();

        Assert.Contains("\"assigned_gpu\":{\"index\":0,\"name\":\"RTX 4090\",\"vram_total_mb\":24564,\"uuid\":\"GPU-4090\"}", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"worker_id": "box", "gpus_free": [{"index": 7}]}""", "gpus_free[0].index")]
    [InlineData("""{"worker_id": "box", "gpus_free": [{"index": 0, "vram_free_mb": -1}]}""", "gpus_free[0].vram_free_mb")]
    [InlineData("""{"worker_id": "box", "max_jobs": 1, "gpus_free": [{"index": 0}, {"index": 1}]}""", "gpus_free")]
    [InlineData("""{"worker_id": "box", "gpus_free": [{"index": 0, "backend": "comfyui-9"}]}""", "gpus_free[0].backend")]
    public async Task A_bad_gpus_free_is_a_400_naming_the_entry(string body, string field)
    {
        await Register($$"""{"id": "box", "name": "box", "types": ["simulated"], {{TwoGpus}}}""");

        var problem = await (await Lease(body)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task A_worker_with_no_healthy_backend_leases_nothing_until_one_answers_again()
    {
        await Register($$"""
            {"id": "box", "name": "box", "types": ["comfyui"], {{TwoGpus}},
             "backends": [{"id": "comfyui-0", "type": "comfyui", "gpu_index": 0, "state": "unhealthy", "reason": "connection refused"}]}
            """);
        var job = await _http.SubmitAsync("""{"type": "comfyui", "payload": {}}""");

        Assert.Empty((await (await Lease("""{"worker_id": "box"}""")).ReadAsync<LeaseJobsResponse>()).Jobs);

        (await _http.PostJsonAsync("/api/v1/workers/box/heartbeat",
            """{"current_jobs": [], "backends": [{"id": "comfyui-0", "type": "comfyui", "gpu_index": 0, "state": "ready"}]}""")).EnsureSuccessStatusCode();
        Assert.Equal(job.Id, Assert.Single((await (await Lease("""{"worker_id": "box"}""")).ReadAsync<LeaseJobsResponse>()).Jobs).Id);
    }

    [Fact]
    public async Task A_slot_of_an_unhealthy_backend_gets_nothing_and_a_healthy_one_gets_the_job_with_its_warm_models()
    {
        await Register($$"""
            {"id": "box", "name": "box", "types": ["comfyui"], {{TwoGpus}},
             "backends": [{"id": "comfyui-0", "type": "comfyui", "gpu_index": 0, "state": "unhealthy", "reason": "timed out"},
                          {"id": "comfyui-1", "type": "comfyui", "gpu_index": 1, "state": "ready", "loaded_models": ["sdxl.safetensors"]}]}
            """);
        var job = await _http.SubmitAsync("""
            {"type": "comfyui", "payload": {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl.safetensors"}}}}
            """);

        Assert.Empty((await (await Lease("""{"worker_id": "box", "gpus_free": [{"index": 0, "backend": "comfyui-0"}]}""")).ReadAsync<LeaseJobsResponse>()).Jobs);

        var leased = Assert.Single((await (await Lease("""{"worker_id": "box", "gpus_free": [{"index": 1, "backend": "comfyui-1"}]}""")).ReadAsync<LeaseJobsResponse>()).Jobs);
        Assert.Equal(job.Id, leased.Id);
        Assert.Equal(1, leased.AssignedGpu!.Index);
        Assert.True(leased.Attempts.Single().Warm);
    }

    [Fact]
    public async Task A_parked_cold_worker_gets_a_job_warm_elsewhere_when_the_affinity_wait_ends_not_at_its_recheck()
    {
        using var app = new RenderQueueApp().With("Leases:RecheckInterval", "00:00:30").With("Scheduler:AffinityWait", "00:00:03");
        var http = app.CreateClient();
        var dispatcher = app.Services.GetRequiredService<LeaseDispatcher>();
        (await http.PostJsonAsync("/api/v1/workers/register", $$"""
            {"id": "warm", "name": "warm", "types": ["comfyui"], {{TwoGpus}},
             "backends": [{"id": "comfyui-0", "type": "comfyui", "gpu_index": 0, "loaded_models": ["sdxl.safetensors"]}]}
            """)).EnsureSuccessStatusCode();
        (await http.PostJsonAsync("/api/v1/workers/register", $$"""
            {"id": "cold", "name": "cold", "types": ["comfyui"], {{TwoGpus}},
             "backends": [{"id": "comfyui-0", "type": "comfyui", "gpu_index": 0, "loaded_models": ["flux.safetensors"]}]}
            """)).EnsureSuccessStatusCode();

        var parked = http.PostJsonAsync("/api/v1/leases", """{"worker_id": "cold", "wait": 30, "gpus_free": [{"index": 0}]}""");
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "the cold worker to park");
        var job = await http.SubmitAsync("""
            {"type": "comfyui", "payload": {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl.safetensors"}}}}
            """);
        await Http.EventuallyAsync(() => Task.FromResult((dispatcher.StoreLooks, dispatcher.Parked)), s => s.StoreLooks >= 2 && s.Parked == 1, "the cold worker to look and park again");
        Assert.False(parked.IsCompleted);

        app.Clock.Advance(TimeSpan.FromSeconds(3));

        var leased = Assert.Single((await (await parked.WaitAsync(TimeSpan.FromSeconds(10))).ReadAsync<LeaseJobsResponse>()).Jobs);
        Assert.Equal(job.Id, leased.Id);
        Assert.False(leased.Attempts.Single().Warm);
    }

    public void Dispose()
    {
        _http.Dispose();
        _app.Dispose();
    }
}
