using System.Text.Json;
using RenderQueue.Worker.Runtime.Backends;
using RenderQueue.Worker.Runtime.Runners;

namespace RenderQueue.Worker.Tests.Support;

/// <summary>A backend whose health the test sets; a probe answers with it (or hangs while <see cref="Hang"/>).</summary>
internal sealed class ScriptedBackend(string id, string type = "test", int? gpu = null) : IBackend
{
    public string Id => id;

    public string Type => type;

    public Uri? Url { get; } = new($"http://{id}/");

    public int? GpuIndex => gpu;

    public volatile bool Healthy = true;

    public volatile bool Hang;

    public IReadOnlyList<string>? Models { get; set; }

    public int Probes;

    public async Task<BackendProbe> ProbeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Probes);
        if (Hang) await Task.Delay(Timeout.Infinite, cancellationToken);
        return Healthy ? BackendProbe.Ok(Models) : BackendProbe.Failed("connection refused");
    }
}

/// <summary>A runner with scripted backends; each run does what <see cref="Run"/> says.</summary>
internal sealed class ScriptedBackendRunner(params ScriptedBackend[] backends) : IBackendRunner
{
    public string Type => backends.Length == 0 ? "test" : backends[0].Type;

    public IReadOnlyList<IBackend> Backends => backends;

    public Func<JobRun, Task<JsonElement?>> Run { get; set; } = _ => Task.FromResult<JsonElement?>(null);

    public Task<JsonElement?> RunAsync(JobRun run, CancellationToken cancellationToken) => Run(run);
}
