using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using RenderQueue.Processes;
using RenderQueue.Worker.ComfyUI;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Runtime.Backends;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Worker.Tests.Fakes;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.Runners;

/// <summary>What a backend's failure makes of a job: released before it started, lost once it ran (docs/worker.md).</summary>
public sealed class BackendFailureTests
{
    private static readonly AgentOptions Probing = new() { HealthInterval = TimeSpan.FromMilliseconds(50) };

    [Fact]
    public async Task ComfyUI_down_before_the_job_started_is_BackendUnavailable_so_the_job_is_released_not_charged()
    {
        await using var comfy = await FakeComfyUI.StartAsync();
        await using var runner = ComfyUIRunnerTests.CreateRunner(comfy.Url);
        var (slot, monitor) = await ProbedAsync(runner);
        await comfy.GoDownAsync();
        using var stop = new CancellationTokenSource();
        var probing = monitor.RunAsync(stop.Token);

        var run = new RecordingRun(Fixtures.Txt2ImgWorkflow).Run with { Backend = slot };
        var failure = await Assert.ThrowsAsync<BackendUnavailableException>(() => runner.RunAsync(run, CancellationToken.None));

        Assert.Contains(comfy.Url.ToString(), failure.Message, StringComparison.Ordinal);
        Assert.Empty(comfy.Prompts);
        await stop.CancelAsync();
        await probing;
    }

    [Fact]
    public async Task ComfyUI_dying_mid_run_is_lost_at_once_not_after_LostTimeout()
    {
        await using var comfy = await FakeComfyUI.StartAsync();
        comfy.StepDelay = TimeSpan.FromMilliseconds(50);
        await using var runner = new ComfyUIRunner(Options.Create(new ComfyUIOptions
        {
            Urls = [comfy.Url], ReconnectDelay = TimeSpan.FromMilliseconds(50), PollInterval = TimeSpan.FromMilliseconds(50), LostTimeout = TimeSpan.FromSeconds(60),
        }), TimeProvider.System, NullLoggerFactory.Instance);
        var (slot, monitor) = await ProbedAsync(runner);
        using var stop = new CancellationTokenSource();
        var probing = monitor.RunAsync(stop.Token);
        var recording = new RecordingRun(Fixtures.Txt2ImgWorkflow);
        var running = runner.RunAsync(recording.Run with { Backend = slot }, CancellationToken.None);
        await ComfyUIRunnerTests.WaitUntil(() => recording.Progress.Any(p => p is { Max: 20, Value: >= 3 }));

        var clock = Stopwatch.StartNew();
        await comfy.GoDownAsync();
        var failure = await Assert.ThrowsAsync<JobFailedException>(() => running);

        Assert.Equal(ErrorClasses.Lost, failure.Error.Class);
        Assert.True(failure.Retryable);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"lost after {clock.Elapsed}, LostTimeout is 60 s");
        await stop.CancelAsync();
        await probing;
    }

    [Fact]
    public async Task After_a_ComfyUI_run_the_workflow_models_are_what_its_backend_has_loaded()
    {
        await using var comfy = await FakeComfyUI.StartAsync();
        await using var runner = ComfyUIRunnerTests.CreateRunner(comfy.Url);
        var (slot, _) = await ProbedAsync(runner);

        await runner.RunAsync(new RecordingRun(Fixtures.Txt2ImgWorkflow).Run with { Backend = slot }, CancellationToken.None);

        Assert.Equal(["v1-5-pruned-emaonly.safetensors"], slot.ToInfo().LoadedModels);
        Assert.Equal(BackendState.Ready, slot.State);
    }

    [Fact]
    public async Task A1111_refusing_the_connection_is_BackendUnavailable()
    {
        var runner = A1111RunnerTests.CreateRunner(new Uri($"http://127.0.0.1:{FreePort.Next()}/"));

        var failure = await Assert.ThrowsAsync<BackendUnavailableException>(
            () => runner.RunAsync(new RecordingRun("""{"request": {"prompt": "a cat"}}""").Run, CancellationToken.None));

        Assert.Contains("could not be reached", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A1111_probes_read_the_loaded_checkpoint_only_after_a_job_or_an_outage()
    {
        await using var a1111 = await FakeA1111.StartAsync();
        var runner = A1111RunnerTests.CreateRunner(a1111.Url);
        var (slot, monitor) = await ProbedAsync(runner);
        await monitor.ProbeAllAsync(CancellationToken.None);
        Assert.Equal(1, a1111.OptionsReads);
        Assert.Equal(["v1-5-pruned-emaonly.safetensors [6ce0161689]"], slot.ToInfo().LoadedModels);

        a1111.LoadedCheckpoint = "sdxl.safetensors [31e35c80fc]";
        await runner.RunAsync(new RecordingRun("""{"request": {"prompt": "a cat", "steps": 2}}""").Run with { Backend = slot }, CancellationToken.None);
        await monitor.ProbeAllAsync(CancellationToken.None);
        await monitor.ProbeAllAsync(CancellationToken.None);

        Assert.Equal(2, a1111.OptionsReads);
        Assert.Equal(["sdxl.safetensors [31e35c80fc]"], slot.ToInfo().LoadedModels);
    }

    /// <summary>The runner's one backend as the agent would hold it, probed once.</summary>
    private static async Task<(BackendSlot Slot, BackendHealthMonitor Monitor)> ProbedAsync(IBackendRunner runner)
    {
        var registry = new BackendRegistry([runner], TimeProvider.System);
        var monitor = new BackendHealthMonitor(registry, Probing, TimeProvider.System, NullLogger.Instance);
        await monitor.ProbeAllAsync(CancellationToken.None);
        return (registry.Slots[0], monitor);
    }
}
