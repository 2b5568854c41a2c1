using RenderQueue.Core.Jobs;
using RenderQueue.Core.Threading;
using RenderQueue.Core.Workers;

namespace RenderQueue.Worker.Runtime.Backends;

/// <summary>
/// The backends of every runner that has them, as job slots: a backend is free when it is healthy (its last probe
/// answered) and no job holds it. A backend found unhealthy leaves the free slots at once, and one that answers again
/// comes back, waking the lease loop; every change of state also wakes <see cref="StateChanged"/> (a heartbeat now).
/// </summary>
internal sealed class BackendRegistry : ISlotSource
{
    private readonly Lock _gate = new();
    private readonly WakeSignal _available = new();
    private readonly TimeProvider _time;

    public BackendRegistry(IEnumerable<IBackendRunner> runners, TimeProvider time)
    {
        _time = time;
        var slots = new List<BackendSlot>();
        foreach (var runner in runners)
        {
            for (var i = 0; i < runner.Backends.Count; i++) slots.Add(new BackendSlot(runner.Backends[i], i, OnChanged));
        }
        Slots = slots;
    }

    public IReadOnlyList<BackendSlot> Slots { get; }

    private int _version;

    /// <summary>Set whenever a backend changes state: the server should hear about it without waiting a heartbeat.</summary>
    public WakeSignal StateChanged { get; } = new();

    /// <summary>Counts changes of state: what a report carries, so the agent knows whether the server has heard the last one.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>Job types that run on backends: their jobs need a backend of their own type.</summary>
    public bool RunsOnBackends(string type) => Slots.Any(s => string.Equals(s.Backend.Type, type, StringComparison.Ordinal));

    /// <summary>
    /// Binds each backend to one of <paramref name="gpus"/>: its configured index, which must be one of them when any were
    /// detected, or else GPU n for the n-th backend of its type when the machine has it (none when it does not).
    /// </summary>
    /// <exception cref="InvalidOperationException">A configured index is not among the detected GPUs.</exception>
    public void Bind(IReadOnlyList<GpuInfo> gpus)
    {
        foreach (var slot in Slots)
        {
            if (slot.Backend.GpuIndex is { } configured)
            {
                if (gpus.Count > 0 && gpus.All(g => g.Index != configured))
                    throw new InvalidOperationException(FormattableString.Invariant(
                        $"Backend {slot.Id} ({slot.Backend.Url}) is bound to GPU {configured}, but nvidia-smi shows GPUs {string.Join(", ", gpus.Select(g => g.Index))}: fix Worker:ComfyUI:Gpus or Worker:A1111:Gpus."));
                slot.GpuIndex = configured;
            }
            else slot.GpuIndex = gpus.Any(g => g.Index == slot.Ordinal) ? slot.Ordinal : null;
        }
    }

    public IReadOnlyList<BackendInfo> Snapshot() => [.. Slots.Select(s => s.ToInfo())];

    public async Task<IReadOnlyList<Slot>> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            _available.Reset();
            var taken = TakeFree();
            if (taken.Count > 0) return taken;
            try
            {
                await _available.WaitAsync(_time.GetUtcNow() + TimeSpan.FromMinutes(1), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return [];
            }
        }
    }

    /// <summary>Takes every free, healthy backend now.</summary>
    public IReadOnlyList<Slot> TakeFree()
    {
        lock (_gate)
        {
            var taken = new List<Slot>();
            foreach (var slot in Slots.Where(s => !s.Busy && s.State == BackendState.Ready))
            {
                slot.Busy = true;
                taken.Add(new Slot(slot));
            }
            return taken;
        }
    }

    public void Return(Slot slot)
    {
        if (slot.Backend is not { } backend) return;
        lock (_gate) backend.Busy = false;
        _available.Set();
    }

    /// <summary>
    /// The slot among <paramref name="slots"/> that <paramref name="job"/> runs in: a backend of its type on its
    /// <c>assigned_gpu</c>, else any backend of its type (a server that placed it on no GPU); for a type without
    /// backends, any slot. Null when none fits (an older server that matched types but not slots).
    /// </summary>
    public Slot? Pick(List<Slot> slots, Job job)
    {
        Slot? pick;
        if (!RunsOnBackends(job.Type)) pick = slots.FirstOrDefault();
        else
        {
            var ofType = slots.Where(s => string.Equals(s.Backend?.Backend.Type, job.Type, StringComparison.Ordinal)).ToList();
            pick = ofType.FirstOrDefault(s => job.AssignedGpu is { } gpu && s.Backend!.GpuIndex == gpu.Index) ?? ofType.FirstOrDefault();
        }
        if (pick is not null) slots.Remove(pick);
        return pick;
    }

    private void OnChanged()
    {
        Interlocked.Increment(ref _version);
        StateChanged.Set();
        _available.Set();
    }
}
