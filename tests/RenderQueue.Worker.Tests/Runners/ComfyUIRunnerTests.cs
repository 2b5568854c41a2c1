using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Jobs;
using RenderQueue.Worker.ComfyUI;
using RenderQueue.Worker.Tests.Fakes;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.Runners;

public sealed class ComfyUIRunnerTests : IAsyncLifetime
{
    private FakeComfyUI _comfy = null!;
    private ComfyUIRunner _runner = null!;

    public async Task InitializeAsync()
    {
        _comfy = await FakeComfyUI.StartAsync();
        _runner = CreateRunner(_comfy.Url);
    }

    public async Task DisposeAsync()
    {
        await _runner.DisposeAsync();
        await _comfy.DisposeAsync();
    }

    internal static ComfyUIRunner CreateRunner(Uri url) => new(Options.Create(new ComfyUIOptions
    {
        Urls = [url],
        ReconnectDelay = TimeSpan.FromMilliseconds(50),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
        LostTimeout = TimeSpan.FromSeconds(3),
        PollInterval = TimeSpan.FromMilliseconds(50),
        CancelGrace = TimeSpan.FromSeconds(2),
    }), TimeProvider.System, NullLoggerFactory.Instance);

    [Fact]
    public async Task Fixture_workflow_succeeds_with_progress_1_to_20_and_a_png_artifact()
    {
        var run = new RecordingRun(Fixtures.Txt2ImgWorkflow);

        var result = await _runner.RunAsync(run.Run, CancellationToken.None);

        var steps = run.Progress.Where(p => p.Max == 20).Select(p => p.Value).Distinct().ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (double)i), steps);
        Assert.Contains(run.Progress, p => p.Message == "KSampler #3");
        var (name, artifact) = Assert.Single(run.Artifacts);
        Assert.Equal("ComfyUI_00001_.png", name);
        Assert.Equal("image/png", artifact.ContentType);
        Assert.Equal((64, 64), Png.AssertValid(artifact.Data));

        var prompt = Assert.Single(_comfy.Prompts);
        var promptId = prompt["prompt_id"]!.GetValue<string>();
        Assert.Equal(promptId, result!.Value.GetProperty("prompt_id").GetString());
        Assert.Contains(prompt["client_id"]!.GetValue<string>(), _comfy.ClientIds);
        Assert.Equal("ComfyUI_00001_.png", result.Value.GetProperty("outputs").GetProperty("9").GetProperty("images")[0].GetProperty("filename").GetString());
    }

    [Fact]
    public async Task Wrapped_payload_uploads_input_images_before_the_prompt()
    {
        var workflow = JsonNode.Parse(Fixtures.Txt2ImgWorkflow)!.AsObject();
        workflow["10"] = new JsonObject { ["class_type"] = "LoadImage", ["inputs"] = new JsonObject { ["image"] = "cat.png" } };
        var png = RenderQueue.Worker.Runtime.Imaging.PngEncoder.Gradient(4, 4);
        var payload = new JsonObject { ["workflow"] = workflow, ["inputs"] = new JsonArray(new JsonObject { ["name"] = "cat.png", ["data"] = Convert.ToBase64String(png) }) };

        await _runner.RunAsync(new RecordingRun(payload.ToJsonString()).Run, CancellationToken.None);

        Assert.Equal(png, _comfy.Inputs["cat.png"]);
    }

    [Fact]
    public async Task Missing_checkpoint_fails_once_as_invalid_input_with_the_node_errors()
    {
        var workflow = Fixtures.Txt2ImgWorkflow.Replace("v1-5-pruned-emaonly.safetensors", "missing.safetensors", StringComparison.Ordinal);

        var failure = await Assert.ThrowsAsync<JobFailedException>(() => _runner.RunAsync(new RecordingRun(workflow).Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.InvalidInput, failure.Error.Class);
        Assert.False(failure.Retryable);
        var nodeError = failure.Error.Details!.Value.GetProperty("node_errors").GetProperty("4");
        Assert.Equal("value_not_in_list", nodeError.GetProperty("errors")[0].GetProperty("type").GetString());
        Assert.Contains("missing.safetensors", failure.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _comfy.Executed);
    }

    [Fact]
    public async Task Unknown_node_class_fails_as_invalid_input()
    {
        var workflow = Fixtures.Txt2ImgWorkflow.Replace("\"VAEDecode\"", "\"NoSuchNode\"", StringComparison.Ordinal);

        var failure = await Assert.ThrowsAsync<JobFailedException>(() => _runner.RunAsync(new RecordingRun(workflow).Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.InvalidInput, failure.Error.Class);
        Assert.Equal("invalid_prompt", failure.Error.Details!.Value.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_ui_format_workflow_is_refused_before_reaching_comfyui()
    {
        var failure = await Assert.ThrowsAsync<JobFailedException>(() =>
            _runner.RunAsync(new RecordingRun("""{"nodes": [], "links": []}""").Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.InvalidInput, failure.Error.Class);
        Assert.Empty(_comfy.Prompts);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Out_of_memory_is_a_retryable_oom(bool runtimeError)
    {
        if (runtimeError) _comfy.RuntimeOutOfMemory = true;
        else _comfy.OutOfMemoryFaults = 1;

        var failure = await Assert.ThrowsAsync<JobFailedException>(() => _runner.RunAsync(new RecordingRun(Fixtures.Txt2ImgWorkflow).Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.OutOfMemory, failure.Error.Class);
        Assert.True(failure.Retryable);
        Assert.Equal("3", failure.Error.Details!.Value.GetProperty("node_id").GetString());
        Assert.Contains("KSampler", failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_mid_run_is_lost_never_success_and_the_next_run_uses_a_fresh_socket()
    {
        _comfy.RestartAtStep = 5;

        var failure = await Assert.ThrowsAsync<JobFailedException>(() => _runner.RunAsync(new RecordingRun(Fixtures.Txt2ImgWorkflow).Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.Lost, failure.Error.Class);
        Assert.True(failure.Retryable);

        var again = new RecordingRun(Fixtures.Txt2ImgWorkflow);
        await _runner.RunAsync(again.Run, CancellationToken.None);
        Assert.Single(again.Artifacts);
        Assert.True(_comfy.ClientIds.Count >= 2, "reconnected");
        Assert.Equal(_comfy.ClientIds.Count, _comfy.ClientIds.Distinct().Count());
    }

    [Fact]
    public async Task Socket_drop_mid_run_follows_the_prompt_through_history_to_success()
    {
        _comfy.DropSocketsAtStep = 3;
        _comfy.StepDelay = TimeSpan.FromMilliseconds(20);
        var run = new RecordingRun(Fixtures.Txt2ImgWorkflow);

        await _runner.RunAsync(run.Run, CancellationToken.None);

        Assert.Single(run.Artifacts);
        Assert.DoesNotContain(run.Progress, p => p.Max == 20 && p.Value > 3);
    }

    [Fact]
    public async Task Cancel_interrupts_our_prompt_by_id_and_deletes_it_from_the_queue()
    {
        _comfy.StepDelay = TimeSpan.FromMilliseconds(100);
        var run = new RecordingRun(Fixtures.Txt2ImgWorkflow);
        using var cancel = new CancellationTokenSource();
        var running = _runner.RunAsync(run.Run, cancel.Token);
        await WaitUntil(() => run.Progress.Any(p => p.Max == 20));

        var started = DateTime.UtcNow;
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2));
        var promptId = Assert.Single(_comfy.Prompts)["prompt_id"]!.GetValue<string>();
        Assert.Equal([promptId], _comfy.Interrupts);
        Assert.Equal([promptId], _comfy.QueueDeletes);
        Assert.Empty(run.Artifacts);
    }

    [Fact]
    public async Task Models_come_from_models_checkpoints_or_else_object_info()
    {
        _comfy.Checkpoints.Add("sdxl.safetensors");
        Assert.Equal(["sdxl.safetensors", "v1-5-pruned-emaonly.safetensors"], await _runner.GetModelsAsync(CancellationToken.None));

        _comfy.WithoutModelsRoute = true;
        Assert.Equal(["sdxl.safetensors", "v1-5-pruned-emaonly.safetensors"], await _runner.GetModelsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_backend_url_with_the_api_prefix_works_too()
    {
        await using var runner = CreateRunner(new Uri(_comfy.Url, "api/"));
        var run = new RecordingRun(Fixtures.Txt2ImgWorkflow);

        await runner.RunAsync(run.Run, CancellationToken.None);

        Assert.Single(run.Artifacts);
    }

    internal static async Task WaitUntil(Func<bool> condition, int timeoutMs = 10_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("The condition did not become true in time.");
            await Task.Delay(10);
        }
    }
}
