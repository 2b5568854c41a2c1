namespace RenderQueue.Worker.Runtime.Backends;

/// <summary>
/// One instance a runner drives (a ComfyUI or A1111 server, one per GPU): the agent counts it as one job slot while it
/// is healthy and free, probes it, and reports it to the server as a <see cref="Core.Workers.BackendInfo"/>.
/// </summary>
public interface IBackend
{
    /// <summary>Stable within the worker, e.g. <c>comfyui-0</c>: the type and its position in the configuration.</summary>
    string Id { get; }

    /// <summary>The job type it runs.</summary>
    string Type { get; }

    /// <summary>Where it is reached, for people.</summary>
    Uri? Url { get; }

    /// <summary>The GPU it was bound to in the configuration; null when not configured (the agent then binds the n-th
    /// backend of a type to GPU n when the machine has it).</summary>
    int? GpuIndex { get; }

    /// <summary>One cheap health check (and, when cheap, what it has loaded); never throws for an unreachable backend.</summary>
    Task<BackendProbe> ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>What one health probe found.</summary>
/// <param name="Healthy">It answered as it should.</param>
/// <param name="Reason">Why not, for people (e.g. <c>GET /system_stats: connection refused</c>).</param>
/// <param name="LoadedModels">What it has loaded now, when the probe could tell; null: unknown, keep what is known.</param>
public sealed record BackendProbe(bool Healthy, string? Reason = null, IReadOnlyList<string>? LoadedModels = null)
{
    public static BackendProbe Ok(IReadOnlyList<string>? loadedModels = null) => new(true, null, loadedModels);

    public static BackendProbe Failed(string reason) => new(false, reason);
}

/// <summary>A runner whose jobs run on backends: each of its healthy, free backends is one slot of the worker.</summary>
public interface IBackendRunner : Runners.IJobRunner
{
    /// <summary>Its backends, in configuration order.</summary>
    IReadOnlyList<IBackend> Backends { get; }
}
