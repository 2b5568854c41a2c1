using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Storage;

/// <summary>A worker asks for up to <see cref="MaxJobs"/> jobs it can run.</summary>
public sealed record LeaseRequest
{
    public required string WorkerId { get; init; }

    /// <summary>Job types the worker runs; a job of any other type is never leased to it.</summary>
    public required IReadOnlyCollection<string> Types { get; init; }

    /// <summary>Queues to lease from; empty means every queue that is not paused.</summary>
    public IReadOnlyCollection<string> Queues { get; init; } = [];

    /// <summary>Labels, models and free VRAM, matched against each job's requirements.</summary>
    public WorkerCapabilities Capabilities { get; init; } = WorkerCapabilities.Bare;

    /// <summary>At most this many jobs; jobs sharing the first one's batch key come together.</summary>
    public int MaxJobs { get; init; } = 1;

    /// <summary>How long the lease lasts unless renewed.</summary>
    public required TimeSpan LeaseDuration { get; init; }
}
