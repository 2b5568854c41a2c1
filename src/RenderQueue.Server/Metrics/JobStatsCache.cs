using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;
using RenderQueue.Server.Dispatch;

namespace RenderQueue.Server.Metrics;

/// <summary>The store's counts, and its workers per status from the <see cref="FleetSnapshot"/>, read at most once per
/// <see cref="MaxAge"/> however often Prometheus scrapes.</summary>
internal sealed class JobStatsCache(IJobStore store, FleetSnapshot fleet, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private long _readAt;

    /// <summary>The last counts read; null before the first refresh.</summary>
    public StoreStats? Latest { get; private set; }

    /// <summary>Registered workers per status (every status, 0 when none), read with <see cref="Latest"/>.</summary>
    public IReadOnlyDictionary<WorkerStatus, int> WorkersByStatus { get; private set; } = new Dictionary<WorkerStatus, int>();

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (Latest is not null && time.GetElapsedTime(_readAt) < MaxAge) return;
            var workers = await fleet.GetAsync(cancellationToken);
            WorkersByStatus = Enum.GetValues<WorkerStatus>().ToDictionary(status => status, status => workers.Count(w => w.Status == status));
            Latest = await store.GetStatsAsync(cancellationToken);
            _readAt = time.GetTimestamp();
        }
        finally
        {
            _refresh.Release();
        }
    }
}
