using System.Collections.Concurrent;

namespace RenderQueue.Server.Dispatch;

/// <summary>
/// When each worker was last busy, as the dispatcher sees it: when a lease gave it jobs, and again when its next lease
/// request arrives after that (it comes back because a job ended or it has more free slots). A worker whose long-poll
/// merely ran out is not busy. The dispatcher wakes the most recently busy parked worker first, so work packs onto
/// machines that are already warm and the others can go idle and be scaled down.
/// </summary>
internal sealed class BusyClock(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _workers = new(StringComparer.Ordinal);

    private sealed record Entry(long BusyAt, bool Holding);

    /// <summary>A lease request of <paramref name="workerId"/> arrives; returns when it was last busy
    /// (<see cref="long.MinValue"/> if never).</summary>
    public long Arrived(string workerId)
    {
        if (!_workers.TryGetValue(workerId, out var entry)) return long.MinValue;
        if (!entry.Holding) return entry.BusyAt;
        var now = time.GetTimestamp();
        _workers[workerId] = new Entry(now, false);
        return now;
    }

    /// <summary>A lease gave <paramref name="workerId"/> jobs.</summary>
    public void Leased(string workerId) => _workers[workerId] = new Entry(time.GetTimestamp(), true);
}
