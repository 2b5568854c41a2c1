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
    /// <summary>Heartbeats arrive, but none of its backends is healthy: it leases nothing until one answers again.</summary>
    Unhealthy = 3,
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

    /// <summary>Computed by the store from <see cref="LastSeenAt"/>, its worker time-to-live and the backends'
    /// health; precedence offline &gt; draining &gt; unhealthy &gt; online.</summary>
    public WorkerStatus Status { get; init; }

    /// <summary>Why the worker is <see cref="WorkerStatus.Unhealthy"/>: its backends' reasons; null otherwise.</summary>
    public string? StatusReason { get; init; }

    /// <summary>Free VRAM summed over its GPUs, in MiB; null without GPUs.</summary>
    public long? FreeVramMb => Registration.Gpus.Count == 0 ? null : Registration.Gpus.Sum(g => g.VramFreeMb);

    /// <summary>This worker with its <see cref="Status"/> and <see cref="StatusReason"/> as of <paramref name="now"/>, for a
    /// registry whose entries go stale after <paramref name="ttl"/>: offline &gt; draining &gt; unhealthy &gt; online.</summary>
    public WorkerInfo WithStatusAt(DateTimeOffset now, TimeSpan ttl)
    {
        var backends = Registration.Backends;
        var status = now - LastSeenAt > ttl ? WorkerStatus.Offline
            : Draining || DrainRequested ? WorkerStatus.Draining
            : backends.Count > 0 && !backends.Any(b => b.IsHealthy) ? WorkerStatus.Unhealthy
            : WorkerStatus.Online;
        var reason = status == WorkerStatus.Unhealthy
            ? string.Join("; ", backends.Select(b => $"{b.Id}: {b.Reason ?? "unhealthy"}"))
            : null;
        return this with { Status = status, StatusReason = reason };
    }
}
