using System.Net;
using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Workers;

namespace RenderQueue.Server.Tests;

/// <summary>Backends at registration and heartbeat: validated, and a worker with none healthy shows unhealthy with why.</summary>
public sealed class WorkerHealthTests : IDisposable
{
    private const string Gpus = """[{"index": 0, "name": "RTX 4090", "vram_total_mb": 24564, "vram_free_mb": 23000}]""";

    private readonly RenderQueueApp _app = new();
    private readonly HttpClient _http;

    public WorkerHealthTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    private Task<HttpResponseMessage> Register(string backends) => _http.PostJsonAsync("/api/v1/workers/register",
        $$"""{"id": "box-1", "name": "box-1", "types": ["comfyui"], "gpus": {{Gpus}}, "backends": {{backends}}}""");

    private async Task<WorkerInfo> Listed() =>
        (await (await _http.GetAsync("/api/v1/workers")).ReadAsync<ItemsResponse<WorkerInfo>>()).Items.Single();

    [Fact]
    public async Task A_worker_whose_only_backend_fails_is_listed_unhealthy_with_the_reason_and_online_again_once_it_answers()
    {
        (await Register("""[{"id": "comfyui-0", "type": "comfyui", "url": "http://127.0.0.1:8188", "gpu_index": 0, "state": "ready", "loaded_models": ["sdxl.safetensors"]}]""")).EnsureSuccessStatusCode();
        var ready = await Listed();
        Assert.Equal(WorkerStatus.Online, ready.Status);
        Assert.Equal(["sdxl.safetensors"], ready.Registration.Backends.Single().LoadedModels);

        (await _http.PostJsonAsync("/api/v1/workers/box-1/heartbeat",
            """{"current_jobs": [], "backends": [{"id": "comfyui-0", "type": "comfyui", "gpu_index": 0, "state": "unhealthy", "reason": "GET /system_stats: connection refused"}]}"""))
            .EnsureSuccessStatusCode();

        var text = await _http.GetStringAsync("/api/v1/workers");
        var worker = JsonDocument.Parse(text).RootElement.GetProperty("items")[0];
        Assert.Equal("unhealthy", worker.GetProperty("status").GetString());
        Assert.Equal("comfyui-0: GET /system_stats: connection refused", worker.GetProperty("status_reason").GetString());
        Assert.Equal("unhealthy", worker.GetProperty("registration").GetProperty("backends")[0].GetProperty("state").GetString());

        (await _http.PostJsonAsync("/api/v1/workers/box-1/heartbeat",
            """{"current_jobs": [], "backends": [{"id": "comfyui-0", "type": "comfyui", "gpu_index": 0, "state": "ready"}]}""")).EnsureSuccessStatusCode();
        var healthy = await Listed();
        Assert.Equal(WorkerStatus.Online, healthy.Status);
        Assert.Null(healthy.StatusReason);
    }

    [Fact]
    public async Task The_workers_gauge_counts_each_status()
    {
        (await Register("""[{"id": "comfyui-0", "type": "comfyui", "gpu_index": 0, "state": "unhealthy", "reason": "down"}]""")).EnsureSuccessStatusCode();
        await _http.RegisterWorkerAsync("idle");

        var metrics = await _http.GetStringAsync("/metrics");

        Assert.Contains("renderqueue_workers{status=\"unhealthy\"} 1\n", metrics);
        Assert.Contains("renderqueue_workers{status=\"online\"} 1\n", metrics);
        Assert.Contains("renderqueue_workers{status=\"draining\"} 0\n", metrics);
        Assert.Contains("renderqueue_workers{status=\"offline\"} 0\n", metrics);
        Assert.Contains("renderqueue_workers_online 2\n", metrics); // unchanged meaning: a recent heartbeat
    }

    [Theory]
    [InlineData("""[{"id": "comfyui-0", "type": "comfyui", "gpu_index": 3}]""", "backends[0].gpu_index", "not one of the worker's GPUs (indexes: 0)")]
    [InlineData("""[{"id": "comfyui 0", "type": "comfyui"}]""", "backends[0].id", "backend id")]
    [InlineData("""[{"id": "a", "type": "comfyui"}, {"id": "a", "type": "a1111"}]""", "backends[1].id", "listed twice")]
    [InlineData("""[{"id": "a", "type": "comfy ui"}]""", "backends[0].type", "backend type")]
    [InlineData("""[{"id": "a", "type": "comfyui", "state": "unhealthy", "reason": "LONG"}]""", "backends[0].reason", "1,000 characters")]
    [InlineData("""[{"id": "a", "type": "comfyui", "loaded_models": [""]}]""", "backends[0].loaded_models", "1–256 characters")]
    public async Task Registration_with_a_bad_backend_is_400_naming_it(string backends, string field, string message)
    {
        var response = await Register(backends.Replace("LONG", new string('x', 1_001), StringComparison.Ordinal));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Contains(message, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_than_64_backends_or_a_heartbeat_backend_off_its_gpus_is_400()
    {
        var many = "[" + string.Join(", ", Enumerable.Range(0, 65).Select(i => $$"""{"id": "b{{i}}", "type": "comfyui"}""")) + "]";
        Assert.Contains("backends", (await (await Register(many)).AssertProblemAsync(HttpStatusCode.BadRequest, null)).ErrorFields());

        (await Register("[]")).EnsureSuccessStatusCode();
        var beat = await _http.PostJsonAsync("/api/v1/workers/box-1/heartbeat",
            $$"""{"current_jobs": [], "gpus": {{Gpus}}, "backends": [{"id": "comfyui-0", "type": "comfyui", "gpu_index": 1}]}""");
        Assert.Contains("backends[0].gpu_index", (await beat.AssertProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task An_unknown_backend_state_is_400()
    {
        var response = await Register("""[{"id": "a", "type": "comfyui", "state": "sleepy"}]""");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
