using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Runtime.Backends;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.Runtime;

/// <summary>Slot accounting and health probes of the backends, on a manual clock.</summary>
public sealed class BackendSlotTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly AgentOptions _options = new() { HealthInterval = TimeSpan.FromSeconds(2), HealthTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Each_healthy_free_backend_is_one_slot_and_an_unhealthy_one_is_none()
    {
        var (a, b) = (new ScriptedBackend("comfyui-0", "comfyui"), new ScriptedBackend("comfyui-1", "comfyui") { Healthy = false });
        var (registry, monitor) = Create(new ScriptedBackendRunner(a, b));
        await monitor.ProbeAllAsync(CancellationToken.None);

        var taken = registry.TakeFree();

        Assert.Equal(["comfyui-0"], taken.Select(s => s.Backend!.Id));
        Assert.Empty(registry.TakeFree());
        registry.Return(taken[0]);
        Assert.Single(registry.TakeFree());
        var info = registry.Snapshot().Single(i => i.Id == "comfyui-1");
        Assert.Equal(BackendState.Unhealthy, info.State);
        Assert.Equal("connection refused", info.Reason);
    }

    [Fact]
    public void Backends_bind_to_their_configured_gpu_or_by_default_the_nth_to_gpu_n_when_the_machine_has_it()
    {
        var (registry, _) = Create(
            new ScriptedBackendRunner(new ScriptedBackend("comfyui-0", "comfyui", gpu: 1), new ScriptedBackend("comfyui-1", "comfyui", gpu: 0)),
            new ScriptedBackendRunner(new ScriptedBackend("a1111-0", "a1111"), new ScriptedBackend("a1111-1", "a1111"), new ScriptedBackend("a1111-2", "a1111")));

        registry.Bind([Gpu(0), Gpu(1)]);

        Assert.Equal([1, 0, 0, 1, null], registry.Slots.Select(s => s.GpuIndex));
        registry.Bind([]);
        Assert.Equal([1, 0, null, null, null], registry.Slots.Select(s => s.GpuIndex));
    }

    [Fact]
    public void A_configured_gpu_the_machine_lacks_is_refused_naming_the_keys()
    {
        var (registry, _) = Create(new ScriptedBackendRunner(new ScriptedBackend("comfyui-0", "comfyui", gpu: 3)));

        var failure = Assert.Throws<InvalidOperationException>(() => registry.Bind([Gpu(0), Gpu(1)]));

        Assert.Contains("GPU 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Worker:ComfyUI:Gpus", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_runs_on_the_backend_of_its_type_on_its_assigned_gpu_else_any_of_its_type()
    {
        var (registry, monitor) = Create(
            new ScriptedBackendRunner(new ScriptedBackend("comfyui-0", "comfyui", gpu: 0), new ScriptedBackend("comfyui-1", "comfyui", gpu: 1)),
            new ScriptedBackendRunner(new ScriptedBackend("a1111-0", "a1111", gpu: 2)));
        registry.Bind([Gpu(0), Gpu(1), Gpu(2)]);
        await monitor.ProbeAllAsync(CancellationToken.None);
        var slots = registry.TakeFree().ToList();

        Assert.Equal("comfyui-1", registry.Pick(slots, Job("comfyui", gpu: 1))!.Backend!.Id);
        Assert.Equal("comfyui-0", registry.Pick(slots, Job("comfyui", gpu: null))!.Backend!.Id);
        Assert.Null(registry.Pick(slots, Job("comfyui", gpu: 0)));
        Assert.Equal("a1111-0", registry.Pick(slots, Job("command", gpu: null))!.Backend!.Id);
        Assert.Empty(slots);
    }

    [Fact]
    public async Task A_failed_probe_takes_the_slot_away_at_once_fires_Down_and_asks_for_a_heartbeat()
    {
        var backend = new ScriptedBackend("comfyui-0", "comfyui");
        var (registry, monitor) = Create(new ScriptedBackendRunner(backend));
        await monitor.ProbeAllAsync(CancellationToken.None);
        var slot = registry.Slots[0];
        var down = slot.Down;
        registry.StateChanged.Reset();
        using var stop = new CancellationTokenSource();
        var probing = monitor.RunAsync(stop.Token);

        backend.Healthy = false;
        await StepUntil(() => slot.State == BackendState.Unhealthy);

        Assert.True(down.IsCancellationRequested);
        Assert.True(registry.StateChanged.IsSet);
        Assert.Empty(registry.TakeFree());
        await stop.CancelAsync();
        await probing;
    }

    [Fact]
    public async Task A_backend_that_answers_again_is_a_free_slot_within_one_probe_interval()
    {
        var backend = new ScriptedBackend("comfyui-0", "comfyui") { Healthy = false };
        var (registry, monitor) = Create(new ScriptedBackendRunner(backend));
        await monitor.ProbeAllAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var probing = monitor.RunAsync(stop.Token);
        var waiting = registry.TakeAsync(stop.Token);
        await StepUntil(() => backend.Probes >= 2);
        Assert.False(waiting.IsCompleted);

        backend.Healthy = true;
        var since = _clock.GetUtcNow();
        await StepUntil(() => waiting.IsCompleted);

        Assert.Equal("comfyui-0", Assert.Single(await waiting).Backend!.Id);
        Assert.True(_clock.GetUtcNow() - since <= _options.HealthInterval, $"back after {_clock.GetUtcNow() - since}");
        await stop.CancelAsync();
        await probing;
    }

    [Fact]
    public async Task A_probe_that_hangs_past_HealthTimeout_counts_as_failed()
    {
        var backend = new ScriptedBackend("a1111-0", "a1111") { Hang = true };
        var (registry, monitor) = Create(new ScriptedBackendRunner(backend));

        var probe = monitor.ProbeAsync(registry.Slots[0], CancellationToken.None);
        await StepUntil(() => probe.IsCompleted, _options.HealthTimeout);
        await probe;

        Assert.Equal(BackendState.Unhealthy, registry.Slots[0].State);
        Assert.Contains("within 00:00:05", registry.Slots[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_a_backend_had_loaded_is_forgotten_when_it_comes_back_from_an_outage()
    {
        var backend = new ScriptedBackend("comfyui-0", "comfyui");
        var (registry, monitor) = Create(new ScriptedBackendRunner(backend));
        await monitor.ProbeAllAsync(CancellationToken.None);
        var slot = registry.Slots[0];
        slot.ReportLoadedModels(["sdxl.safetensors"]);
        await monitor.ProbeAllAsync(CancellationToken.None);
        Assert.Equal(["sdxl.safetensors"], slot.ToInfo().LoadedModels);

        backend.Healthy = false;
        await monitor.ProbeAllAsync(CancellationToken.None);
        backend.Healthy = true;
        await monitor.ProbeAllAsync(CancellationToken.None);

        Assert.Empty(slot.ToInfo().LoadedModels!);
    }

    private (BackendRegistry Registry, BackendHealthMonitor Monitor) Create(params ScriptedBackendRunner[] runners)
    {
        var registry = new BackendRegistry(runners, _clock);
        return (registry, new BackendHealthMonitor(registry, _options, _clock, NullLogger.Instance));
    }

    /// <summary>Moves the manual clock in small steps until <paramref name="condition"/> holds (real time bounds the wait).</summary>
    private async Task StepUntil(Func<bool> condition, TimeSpan? step = null)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("The condition did not become true.");
            _clock.Advance(step ?? TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }
    }

    private static GpuInfo Gpu(int index) => new(index, "NVIDIA GeForce RTX 4090", 24564, 20000);

    private static Job Job(string type, int? gpu) => new()
    {
        Id = "01slotjob00000000000000000",
        Queue = "default",
        Type = type,
        Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone(),
        State = JobState.Running,
        AssignedGpu = gpu is { } i ? new AssignedGpu(i, "NVIDIA GeForce RTX 4090", 24564) : null,
    };
}
