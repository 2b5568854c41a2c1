using Microsoft.Extensions.Options;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Threading;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Events;

namespace RenderQueue.Server.Background;

/// <summary>
/// Moves scheduled jobs (a future <c>run_at</c>, or a retry backoff) to their queue when they come due. It sleeps
/// until the earliest due time, at most <see cref="SchedulerOptions.MaxInterval"/>, and wakes early when the
/// change feed shows a newly scheduled job, which may be due sooner. Runs on the leader only.
/// </summary>
internal sealed partial class JobScheduler(
    IJobStore store, ILeaderElection election, IOptions<SchedulerOptions> options, TimeProvider time, ILogger<JobScheduler> logger)
    : LeaderService(election, logger), IJobEventListener
{
    private const int Batch = 1_000;

    private readonly WakeSignal _wake = new();

    public void OnEvent(JobEvent e)
    {
        if (e.State == JobState.Scheduled) _wake.Set();
    }

    protected override async Task LeadAsync(CancellationToken leading)
    {
        while (!leading.IsCancellationRequested)
        {
            var wakeAt = time.GetUtcNow() + options.Value.MaxInterval;
            await RunPassAsync("promote due jobs", async ct => wakeAt = await PromoteAsync(ct), leading);
            await _wake.WaitAndResetAsync(wakeAt, time, leading); // the promotion that follows sees every job scheduled so far
        }
    }

    /// <summary>Promotes what is due; returns when to look again: the next due time, at most the longest interval.</summary>
    private async Task<DateTimeOffset> PromoteAsync(CancellationToken ct)
    {
        int promoted;
        do
        {
            promoted = await store.PromoteDueAsync(Batch, ct);
            if (promoted > 0) Log.Promoted(logger, promoted);
        } while (promoted == Batch);

        var latest = time.GetUtcNow() + options.Value.MaxInterval;
        return await store.NextDueAsync(ct) is { } next && next < latest ? next : latest;
    }
}
