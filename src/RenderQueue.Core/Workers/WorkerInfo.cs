namespace RenderQueue.Core.Workers;

/// <summary>Whether a worker is taking work. Numbers are explicit: an enum's values never move once stored.</summary>
public enum WorkerStatus
{
    /// <summary>Heartbeats arrive; it leases jobs.</summary>
    Online = 0,
    /// <summary>Heartbeats arrive; it finishes what it has and leases nothing new.</summary>
    Draining = 1,
    /// <summary>No heartbeat within the worker time-to-live.</summary>
    Offline = 2,
}

/// <summary>A registered worker as the registry knows it.</summary>
public sealed record WorkerInfo
{
    public required string Id { get; init; }
    public required WorkerRegistration Registration { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
    public required DateTimeOffset LastSeenAt { get; init; }
    public IReadOnlyList<string> CurrentJobs { get; init; } = [];

    /// <summary>Set by a person; the worker learns it from its next heartbeat and stops leasing.</summary>
    public bool DrainRequested { get; init; }

    /// <summary>The worker reported that it is draining.</summary>
    public bool Draining { get; init; }

    /// <summary>Computed by the store from <see cref="LastSeenAt"/> and its worker time-to-live.</summary>
    public WorkerStatus Status { get; init; }

    /// <summary>Free VRAM summed over its GPUs, in MiB; null without GPUs.</summary>
    public long? FreeVramMb => Registration.Gpus.Count == 0 ? null : Registration.Gpus.Sum(g => g.VramFreeMb);

    /// <summary>The status at <paramref name="now"/> for a registry whose entries go stale after <paramref name="ttl"/>.</summary>
    public static WorkerStatus StatusAt(DateTimeOffset lastSeen, bool draining, DateTimeOffset now, TimeSpan ttl) =>
        now - lastSeen > ttl ? WorkerStatus.Offline : draining ? WorkerStatus.Draining : WorkerStatus.Online;
}
