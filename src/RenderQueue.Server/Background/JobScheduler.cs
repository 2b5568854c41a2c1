using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
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

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    public void OnEvent(JobEvent e)
    {
        if (e.State == JobState.Scheduled) _wake.Writer.TryWrite(true);
    }

    protected override async Task LeadAsync(CancellationToken leading)
    {
        while (!leading.IsCancellationRequested)
        {
            var sleep = options.Value.MaxInterval;
            try
            {
                sleep = await PromoteAsync(leading);
            }
            catch (StoreUnavailableException e)
            {
                Log.StoreUnavailable(logger, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException || !leading.IsCancellationRequested)
            {
                Log.PromoteFailed(logger, e);
            }
            await SleepAsync(sleep, leading);
        }
    }

    /// <summary>Promotes what is due; returns how long until the next job comes due.</summary>
    private async Task<TimeSpan> PromoteAsync(CancellationToken ct)
    {
        int promoted;
        do
        {
            promoted = await store.PromoteDueAsync(Batch, ct);
            if (promoted > 0) Log.Promoted(logger, promoted);
        } while (promoted == Batch);

        var max = options.Value.MaxInterval;
        if (await store.NextDueAsync(ct) is not { } next) return max;
        var until = next - time.GetUtcNow();
        return until <= TimeSpan.Zero ? TimeSpan.Zero : until < max ? until : max;
    }

    private async Task SleepAsync(TimeSpan sleep, CancellationToken ct)
    {
        if (sleep <= TimeSpan.Zero) return;
        try
        {
            await _wake.Reader.ReadAsync(ct).AsTask().WaitAsync(sleep, time, ct);
        }
        catch (TimeoutException)
        {
            // the due time came
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the term ended, or the node stops
        }
    }
}
