using Microsoft.Extensions.Options;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Metrics;

namespace RenderQueue.Server.Background;

/// <summary>
/// Requeues jobs whose worker stopped renewing (or fails them with class <c>lost</c> when their attempts are used
/// up), and fails jobs past their timeout. Runs on the store's clock every <see cref="LeaseOptions.ReaperInterval"/>,
/// on the leader only.
/// </summary>
internal sealed partial class LeaseReaper(
    IJobStore store, ILeaderElection election, RenderQueueMetrics metrics, IOptions<LeaseOptions> options, TimeProvider time, ILogger<LeaseReaper> logger)
    : LeaderService(election, logger)
{
    private const int Batch = 1_000;

    protected override async Task LeadAsync(CancellationToken leading)
    {
        using var timer = new PeriodicTimer(options.Value.ReaperInterval, time);
        while (await timer.WaitForNextTickAsync(leading)) await RunPassAsync("reap expired leases", ReapAsync, leading);
    }

    private async Task ReapAsync(CancellationToken ct)
    {
        int reaped;
        do
        {
            reaped = await store.ReapAsync(Batch, options.Value.TimeoutGrace, ct);
            if (reaped > 0)
            {
                metrics.Reaped(reaped);
                Log.Reaped(logger, reaped);
            }
        } while (reaped == Batch && !ct.IsCancellationRequested);
    }
}
