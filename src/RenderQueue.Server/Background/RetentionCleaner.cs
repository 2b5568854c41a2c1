using Microsoft.Extensions.Options;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Artifacts;
using RenderQueue.Server.Configuration;

namespace RenderQueue.Server.Background;

/// <summary>
/// Deletes finished jobs older than <see cref="RetentionOptions.FinishedJobs"/> together with their artifact folders,
/// and history (events, activity, silent workers) older than <see cref="RetentionOptions.History"/>, every
/// <see cref="RetentionOptions.Interval"/>, on the leader only. With several nodes the artifact folder must be one
/// they share, since the leader deletes every job's files.
/// </summary>
internal sealed partial class RetentionCleaner(
    IJobStore store, ILeaderElection election, ArtifactStorage artifacts, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<RetentionCleaner> logger)
    : LeaderService(election, logger)
{
    private const int Batch = 500;

    protected override async Task LeadAsync(CancellationToken leading)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            await RunPassAsync("clean up past retention", PurgeAsync, leading);
        } while (await timer.WaitForNextTickAsync(leading));
    }

    private async Task PurgeAsync(CancellationToken ct)
    {
        var retention = options.Value;
        var now = time.GetUtcNow();
        var purged = 0;
        IReadOnlyList<string> ids;
        do
        {
            ids = await store.PurgeFinishedAsync(now - retention.FinishedJobs, Batch, ct);
            foreach (var id in ids) artifacts.DeleteJob(id);
            purged += ids.Count;
        } while (ids.Count == Batch);
        if (purged > 0) Log.Purged(logger, purged);
        await store.TrimHistoryAsync(now - retention.History, ct);
    }
}
