using System.Diagnostics.Metrics;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Server.Metrics;

/// <summary>
/// The <c>RenderQueue</c> meter. Counters count what this node did — submits it accepted, leases it granted,
/// completions and failures workers reported through it, expired leases its reaper handled — so a sum over the
/// nodes of a cluster counts everything once; pickup latency is measured where this node grants a lease. The
/// per-state gauges are the store's own counters, read through <see cref="JobStatsCache"/>: store-wide, so every
/// node reports the same values (aggregate them with <c>max</c>, never <c>sum</c>). <c>renderqueue_leader</c> says
/// whether this node runs the run-once services.
/// </summary>
internal sealed class RenderQueueMetrics
{
    public const string MeterName = "RenderQueue";

    /// <summary>Pickup-latency buckets in seconds: from a parked worker's milliseconds to an hour in a queue.</summary>
    public static IReadOnlyList<double> PickupBuckets { get; } =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

    private readonly Counter<long> _submitted;
    private readonly Counter<long> _leased;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _reaped;
    private readonly Histogram<double> _pickup;

    public RenderQueueMetrics(IMeterFactory meters, JobStatsCache stats, ILeaderElection election)
    {
        Meter = meters.Create(MeterName);
        _submitted = Meter.CreateCounter<long>("renderqueue.jobs.submitted", "{job}",
            "Jobs this node accepted (a repeated idempotency key is not counted again).");
        _leased = Meter.CreateCounter<long>("renderqueue.jobs.leased", "{job}", "Jobs this node leased to a worker (each attempt counts).");
        _completed = Meter.CreateCounter<long>("renderqueue.jobs.completed", "{job}", "Jobs whose success a worker reported through this node.");
        _failed = Meter.CreateCounter<long>("renderqueue.jobs.failed", "{job}",
            "Jobs that failed for good (attempts used up or not retryable) on a worker's report through this node; expired leases count in renderqueue_leases_reaped_total.");
        _reaped = Meter.CreateCounter<long>("renderqueue.leases.reaped", "{lease}",
            "Expired leases and overdue jobs that this node's reaper requeued or failed (only the leader reaps).");
        _pickup = Meter.CreateHistogram("renderqueue.jobs.pickup_latency", "s", "Time from entering the queue to being leased by this node.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PickupBuckets });
        Meter.CreateObservableGauge("renderqueue.jobs", () => stats.Latest is { } s ? JobGauges(s) : [], "{job}",
            "Jobs in the store by queue and state. Store-wide: every node reports the same value; aggregate with max, not sum.");
        Meter.CreateObservableGauge("renderqueue.workers.online", () => stats.Latest?.WorkersOnline ?? 0, "{worker}",
            "Workers with a recent heartbeat. Store-wide: every node reports the same value; aggregate with max, not sum.");
        Meter.CreateObservableGauge("renderqueue.leader", () => election.CurrentTerm is null ? 0 : 1, null,
            "1 while this node leads and runs the lease reaper, scheduler and retention cleaner; 0 otherwise.");
    }

    public Meter Meter { get; }

    /// <summary>Counts the jobs this node stored (not those an idempotency key answered with an existing job).</summary>
    public void Submitted(IEnumerable<EnqueueResult> results)
    {
        foreach (var result in results)
        {
            if (result.Created) _submitted.Add(1, Queue(result.Job.Queue));
        }
    }

    public void Leased(Job job)
    {
        var queue = Queue(job.Queue);
        _leased.Add(1, queue);
        if (job.QueuedAt is { } queued && job.StartedAt is { } started)
            _pickup.Record(Math.Max(0, (started - queued).TotalSeconds), queue);
    }

    public void Completed(Job job) => _completed.Add(1, Queue(job.Queue));

    /// <summary>Counts a reported failure when it failed the job for good; a retry is not a failure of the job.</summary>
    public void FailureReported(Job job)
    {
        if (job.State == JobState.Failed) _failed.Add(1, Queue(job.Queue));
    }

    public void Reaped(int count) => _reaped.Add(count);

    private static KeyValuePair<string, object?> Queue(string queue) => new("queue", queue);

    private static IEnumerable<Measurement<long>> JobGauges(StoreStats stats)
    {
        foreach (var queue in stats.Queues)
        {
            foreach (var state in queue.Counts.States)
                yield return new Measurement<long>(queue.Counts.Of(state), Queue(queue.Name), new("state", state.ToWire()));
        }
    }
}
