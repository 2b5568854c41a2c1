using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Storage;

/// <summary>A worker asks for jobs it can run: one per free slot, or up to <see cref="MaxJobs"/> when it names none.</summary>
public sealed record LeaseRequest
{
    public required string WorkerId { get; init; }

    /// <summary>Job types the worker runs; a job of any other type is never leased to it.</summary>
    public required IReadOnlyCollection<string> Types { get; init; }

    /// <summary>Queues to lease from; empty means every queue that is not paused.</summary>
    public IReadOnlyCollection<string> Queues { get; init; } = [];

    /// <summary>Labels and installed models, matched against each job's requirements. Its free VRAM is used only
    /// when <see cref="Slots"/> is empty: an older worker's single reading, shared by the jobs of the lease.</summary>
    public WorkerCapabilities Capabilities { get; init; } = WorkerCapabilities.Bare;

    /// <summary>At most this many jobs when <see cref="Slots"/> is empty; jobs sharing the first one's batch key come
    /// together. Ignored when there are slots: then at most one job per slot.</summary>
    public int MaxJobs { get; init; } = 1;

    /// <summary>The free slots, each on one GPU: every leased job is placed on one of them (its
    /// <see cref="Job.AssignedGpu"/>), where its VRAM needs must fit. Empty: <see cref="MaxJobs"/> slots on no
    /// particular GPU (workers that send no <c>gpus_free</c>).</summary>
    public IReadOnlyList<LeaseSlot> Slots { get; init; } = [];

    /// <summary>How long a job whose models are warm on another worker waits for one before a cold slot may take it,
    /// counted from when a cold slot was first offered it (passed it over), not from when it became ready. Zero turns
    /// warm-model affinity off: pure priority and FIFO order.</summary>
    public TimeSpan AffinityWait { get; init; }

    /// <summary>Models warm on some online, healthy worker of the fleet. A job none of whose models is among them is
    /// not held back for affinity. Null: not known, so only <see cref="AffinityWait"/> bounds the hold.</summary>
    public IReadOnlyCollection<string>? FleetWarmModels { get; init; }

    /// <summary>Where the store notes when a job it held back for affinity becomes takeable by this request, so a
    /// long-poll can look again then. Null: nobody asks.</summary>
    public AffinityDeferral? Deferral { get; init; }

    /// <summary>How long the lease lasts unless renewed.</summary>
    public required TimeSpan LeaseDuration { get; init; }
}

/// <summary>One free slot of a lease request: the GPU a job would run on and, for a backend, its job type and warm models.</summary>
/// <param name="Gpu">The GPU; null when the worker has none (then no job with VRAM needs fits the slot).</param>
/// <param name="Type">The job type of the slot's backend; null takes any type the worker runs.</param>
/// <param name="WarmModels">Models loaded in the slot's backend now (warm-model affinity).</param>
/// <param name="GpuKey">What makes two slots "the same GPU" for VRAM reservations: the GPU's UUID when known, else
/// the worker and index. Set by <see cref="On"/>.</param>
public sealed record LeaseSlot(AssignedGpu? Gpu, string? Type, IReadOnlyCollection<string> WarmModels, string? GpuKey)
{
    /// <summary>A slot of <paramref name="workerId"/> on <paramref name="gpu"/>.</summary>
    public static LeaseSlot On(string workerId, AssignedGpu? gpu, string? type = null, IReadOnlyCollection<string>? warmModels = null) =>
        new(gpu, type, warmModels ?? [], gpu is null ? null : KeyOf(workerId, gpu));

    /// <summary>"The same GPU": its UUID when known, else the worker and the GPU's index on it.</summary>
    public static string KeyOf(string workerId, AssignedGpu gpu) =>
        gpu.Uuid is { Length: > 0 } uuid ? "uuid:" + uuid : FormattableString.Invariant($"worker:{workerId}/{gpu.Index}");
}

/// <summary>Filled in by a lease: the earliest time a job it held back for warm-model affinity becomes takeable.</summary>
public sealed class AffinityDeferral
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _until;

    /// <summary>The earliest such time; null when no job was held back.</summary>
    public DateTimeOffset? Until
    {
        get { lock (_gate) return _until; }
    }

    /// <summary>Notes a held-back job that becomes takeable at <paramref name="at"/>.</summary>
    public void Note(DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_until is not { } until || at < until) _until = at;
        }
    }
}
