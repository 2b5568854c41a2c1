using RenderQueue.Core.Storage;

namespace RenderQueue.Server.Metrics;

/// <summary>The store's counts, read at most once per <see cref="MaxAge"/> however often Prometheus scrapes.</summary>
internal sealed class JobStatsCache(IJobStore store, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private long _readAt;

    /// <summary>The last counts read; null before the first refresh.</summary>
    public StoreStats? Latest { get; private set; }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (Latest is not null && time.GetElapsedTime(_readAt) < MaxAge) return;
            Latest = await store.GetStatsAsync(cancellationToken);
            _readAt = time.GetTimestamp();
        }
        finally
        {
            _refresh.Release();
        }
    }
}
