using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Storage;

/// <summary>Behaviour every store shares; each backend's options carry one of these.</summary>
public sealed record JobStoreOptions
{
    /// <summary>Backoff between retryable failures.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>A worker with no heartbeat for this long is offline. Default 60 s.</summary>
    public TimeSpan WorkerTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Releases (a worker giving a job back unfinished: its backend died before the job started, a drain) that
    /// a run of a job gets free; each release past this many is charged an attempt as a failure of class
    /// <c>released</c>, so a flapping backend cannot bounce a job forever. Default 3.</summary>
    public int MaxReleases { get; init; } = 3;

    /// <summary>How long a job that ran out of GPU memory waits for an online worker with a larger GPU before it fails
    /// for good with class <c>oom</c>. Default 1 h.</summary>
    public TimeSpan LargerGpuWait { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Candidates a lease examines for requirements before giving up. Default 1,000.</summary>
    public int LeaseScanLimit { get; init; } = 1_000;

    /// <summary>Queue positions are counted exactly up to this many jobs ahead. Default 100,000.</summary>
    public int PositionCountLimit { get; init; } = 100_000;

    /// <summary>Per-minute activity older than this is dropped. Default 24 h.</summary>
    public TimeSpan ActivityRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>A job's progress goes into the webhook outbox at most this often. Default 500 ms.</summary>
    public TimeSpan WebhookProgressInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The states the store keeps, each with its counter and listing index: <see cref="JobStates.All"/>. Which of them
    /// are finished, pending or retryable comes from <see cref="JobStates"/>; the contract suite adds a state here to
    /// prove a store takes its states from the sets rather than from its own lists.
    /// </summary>
    public IReadOnlyList<JobState> States { get; init; } = JobStates.All;
}
