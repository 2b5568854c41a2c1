using RenderQueue.Core.Workers;

namespace RenderQueue.Worker.Runtime.Backends;

/// <summary>
/// One backend as the agent tracks it: its GPU, its health (from probes and from what runs see), what it has loaded,
/// and whether a job holds it. A runner gets it with the job (<see cref="Runners.JobRun.Backend"/>) to learn when its
/// backend goes down mid-run (<see cref="Down"/>), to report a failure it saw, and to report what it loaded.
/// </summary>
public sealed class BackendSlot
{
    private readonly Lock _gate = new();
    private readonly Action _changed;
    private CancellationTokenSource _down = new();
    private BackendState _state = BackendState.Loading;
    private string? _reason = "waiting for the first health probe";
    private IReadOnlyList<string> _loadedModels = [];

    internal BackendSlot(IBackend backend, int ordinal, Action changed)
    {
        Backend = backend;
        Ordinal = ordinal;
        GpuIndex = backend.GpuIndex;
        _changed = changed;
    }

    public IBackend Backend { get; }

    public string Id => Backend.Id;

    /// <summary>Its position among the backends of its type: the GPU it runs on when none is configured.</summary>
    internal int Ordinal { get; }

    /// <summary>The GPU it runs on, once bound to the machine's GPUs; null when unknown.</summary>
    public int? GpuIndex { get; internal set; }

    /// <summary>A job holds it (guarded by the registry).</summary>
    internal bool Busy { get; set; }

    public BackendState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    public string? Reason
    {
        get
        {
            lock (_gate) return _reason;
        }
    }

    public IReadOnlyList<string> LoadedModels
    {
        get
        {
            lock (_gate) return _loadedModels;
        }
    }

    /// <summary>Fires when the backend is found unhealthy; once it recovers, a new token fires on the next failure.</summary>
    public CancellationToken Down
    {
        get
        {
            lock (_gate) return _down.Token;
        }
    }

    /// <summary>A run saw the backend fail (refused, unreachable): it leaves the free slots until a probe succeeds.</summary>
    public void ReportFailure(string reason) => Apply(BackendProbe.Failed(reason));

    /// <summary>What the backend has loaded after a run (the models of the workflow it ran, its checkpoint).</summary>
    public void ReportLoadedModels(IReadOnlyList<string> models)
    {
        lock (_gate) _loadedModels = models;
    }

    /// <summary>Takes a probe's result; true when the state changed (the server should hear at once).</summary>
    internal bool Apply(BackendProbe probe)
    {
        CancellationTokenSource? fire = null;
        bool changed;
        lock (_gate)
        {
            var state = probe.Healthy ? BackendState.Ready : BackendState.Unhealthy;
            changed = state != _state || state == BackendState.Unhealthy && !string.Equals(_reason, probe.Reason, StringComparison.Ordinal);
            // A backend that was unreachable has restarted: whatever it had loaded is gone unless the probe says otherwise.
            if (probe.LoadedModels is { } models) _loadedModels = models;
            else if (probe.Healthy && _state == BackendState.Unhealthy) _loadedModels = [];
            if (state == BackendState.Unhealthy && _state != BackendState.Unhealthy) fire = _down;
            if (state != BackendState.Unhealthy && _state == BackendState.Unhealthy) _down = new CancellationTokenSource();
            _state = state;
            _reason = probe.Healthy ? null : probe.Reason ?? "unhealthy";
        }
        // Not disposed: runs may still hold its token.
        fire?.Cancel();
        if (changed) _changed();
        return changed;
    }

    public BackendInfo ToInfo()
    {
        lock (_gate) return new BackendInfo(Id, Backend.Type, Backend.Url?.AbsoluteUri, GpuIndex, _state, _reason, _loadedModels);
    }
}
