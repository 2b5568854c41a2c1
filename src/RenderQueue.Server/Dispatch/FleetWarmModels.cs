using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;

namespace RenderQueue.Server.Dispatch;

/// <summary>
/// The models loaded in a ready backend of some online worker (heartbeat within the time-to-live, not draining, not
/// unhealthy), read from the store's worker registry at most once a <see cref="MaxAge"/> and shared by every lease
/// on this server. A lease holds a job back from a cold slot only while one of its models is in this set, so a job
/// nobody has warm never waits. Read from the store rather than this server's <see cref="WorkerDirectory"/>, since
/// workers heartbeat to whichever server they reach.
/// </summary>
internal sealed class FleetWarmModels(IJobStore store, TimeProvider time)
{
    /// <summary>How stale the set may be.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private IReadOnlyCollection<string> _models = [];
    private long _readAtTicks = long.MinValue; // UtcTicks; _models is written before it

    public async Task<IReadOnlyCollection<string>> GetAsync(CancellationToken cancellationToken)
    {
        if (IsFresh(Volatile.Read(ref _readAtTicks))) return Volatile.Read(ref _models);
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (IsFresh(_readAtTicks)) return _models; // another lease refreshed it meanwhile
            var models = Of(await store.ListWorkersAsync(cancellationToken));
            Volatile.Write(ref _models, models);
            Volatile.Write(ref _readAtTicks, time.GetUtcNow().UtcTicks);
            return models;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool IsFresh(long readAtTicks) => readAtTicks != long.MinValue && time.GetUtcNow().UtcTicks - readAtTicks < MaxAge.Ticks;

    /// <summary>The folded models warm in the ready backends of <paramref name="workers"/> that are online.</summary>
    public static HashSet<string> Of(IEnumerable<WorkerInfo> workers) =>
    [
        .. workers
            .Where(w => w.Status == WorkerStatus.Online)
            .SelectMany(w => w.Registration.Backends)
            .Where(b => b.State == BackendState.Ready)
            .SelectMany(b => b.LoadedModels ?? [])
            .Select(JobAffinity.Fold),
    ];
}
