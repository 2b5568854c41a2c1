namespace RenderQueue.Core.Storage;

/// <summary>Jobs in each state.</summary>
public sealed record StateCounts(long Scheduled, long Queued, long Running, long Succeeded, long Failed, long Canceled)
{
    public static StateCounts Zero { get; } = new(0, 0, 0, 0, 0, 0);
    public long Total => Scheduled + Queued + Running + Succeeded + Failed + Canceled;

    public StateCounts Plus(StateCounts other) => new(
        Scheduled + other.Scheduled, Queued + other.Queued, Running + other.Running,
        Succeeded + other.Succeeded, Failed + other.Failed, Canceled + other.Canceled);
}

/// <summary>Running totals since the queue was first used (not reduced by retention).</summary>
public sealed record QueueTotals(long Submitted, long Succeeded, long Failed, long Canceled);

/// <summary>One queue: whether it is paused, its jobs by state, and its totals.</summary>
public sealed record QueueInfo(string Name, bool Paused, StateCounts Counts, QueueTotals Totals);

/// <summary>The whole store at a glance; read from counters, never by scanning jobs.</summary>
public sealed record StoreStats(StateCounts Counts, IReadOnlyList<QueueInfo> Queues, int WorkersOnline);
