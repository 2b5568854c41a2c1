using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;

namespace RenderQueue.Server.Dispatch;

/// <summary>
/// The store's worker registry, read at most once a <see cref="MaxAge"/> and shared by everything on this server that
/// looks at the whole fleet: leases (which models are warm somewhere, <see cref="FleetWarmModels"/>) and
/// <c>/metrics</c> (workers per status). Read from the store rather than this server's <see cref="WorkerDirectory"/>,
/// since workers heartbeat to whichever server they reach.
/// </summary>
internal sealed class FleetSnapshot(IJobStore store, TimeProvider time)
{
    /// <summary>How stale the list may be.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Reading? _last;

    /// <summary>The registered workers with their status, as read at most <see cref="MaxAge"/> ago. The same list
    /// instance comes back until the next read, so a caller may key what it derives from it on the reference.</summary>
    public async Task<IReadOnlyList<WorkerInfo>> GetAsync(CancellationToken cancellationToken)
    {
        if (_last is { } last && IsFresh(last)) return last.Workers;
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } again && IsFresh(again)) return again.Workers; // another caller read it meanwhile
            var workers = await store.ListWorkersAsync(cancellationToken);
            _last = new Reading(workers, time.GetTimestamp());
            return workers;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool IsFresh(Reading reading) => time.GetElapsedTime(reading.At) < MaxAge;

    private sealed record Reading(IReadOnlyList<WorkerInfo> Workers, long At);
}
