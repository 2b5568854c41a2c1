using System.Text.Json;
using Prometheus;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;

namespace RenderQueue.Server.Metrics;

/// <summary>
/// RenderQueue's series. Counters count what this node did — submits it accepted, leases it granted, completions
/// and failures workers reported through it, expired leases its reaper handled — so a sum over the nodes of a
/// cluster counts everything once; pickup latency is measured where this node grants a lease. The per-state gauges
/// are the store's own counters, read through <see cref="JobStatsCache"/> before each scrape: store-wide, so every
/// node reports the same values (aggregate them with <c>max</c>, never <c>sum</c>). <c>renderqueue_leader</c> says
/// whether this node runs the run-once services. The names are pinned by MetricsSeriesTests.
/// </summary>
internal sealed class RenderQueueMetrics
{
    /// <summary>Pickup-latency buckets in seconds: from a parked worker's milliseconds to an hour in a queue.</summary>
    public static IReadOnlyList<double> PickupBuckets { get; } =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

    private const string Store = " Store-wide: every node reports the same value; aggregate with max, not sum.";

    private readonly Counter _submitted;
    private readonly Counter _leased;
    private readonly Counter _completed;
    private readonly Counter _failed;
    private readonly Counter _reaped;
    private readonly Histogram _pickup;
    private readonly Gauge _jobs;
    private readonly Gauge _workersOnline;
    private readonly Gauge _workers;
    private readonly Gauge _leader;
    private StoreStats? _applied; // the stats the gauges hold: the cache answers the same instance for a second

    public RenderQueueMetrics(MetricsRegistry registry, JobStatsCache stats, ILeaderElection election)
    {
        var f = registry.Factory;
        _submitted = f.CreateCounter("renderqueue_jobs_submitted_total",
            "Jobs this node accepted (a repeated idempotency key is not counted again).", ["queue"]);
        _leased = f.CreateCounter("renderqueue_jobs_leased_total", "Jobs this node leased to a worker (each attempt counts).", ["queue"]);
        _completed = f.CreateCounter("renderqueue_jobs_completed_total", "Jobs whose success a worker reported through this node.", ["queue"]);
        _failed = f.CreateCounter("renderqueue_jobs_failed_total",
            "Jobs that failed for good (attempts used up or not retryable) on a worker's report through this node; expired leases count in renderqueue_leases_reaped_total.",
            ["queue"]);
        _reaped = f.CreateCounter("renderqueue_leases_reaped_total",
            "Expired leases and overdue jobs that this node's reaper requeued or failed (only the leader reaps).");
        _pickup = f.CreateHistogram("renderqueue_jobs_pickup_latency_seconds", "Time from entering the queue to being leased by this node.",
            ["queue"], new HistogramConfiguration { Buckets = [.. PickupBuckets] });
        _jobs = f.CreateGauge("renderqueue_jobs", "Jobs in the store by queue and state." + Store, ["queue", "state"]);
        _workersOnline = f.CreateGauge("renderqueue_workers_online", "Workers with a recent heartbeat." + Store);
        _workers = f.CreateGauge("renderqueue_workers",
            "Registered workers by status: online, draining, unhealthy (no healthy backend), offline (no recent heartbeat)." + Store, ["status"]);
        _leader = f.CreateGauge("renderqueue_leader",
            "1 while this node leads and runs the lease reaper, scheduler and retention cleaner; 0 otherwise.");
        registry.Registry.AddBeforeCollectCallback(async ct =>
        {
            await stats.RefreshAsync(ct); // at most once a second, however often Prometheus scrapes
            if (stats.Latest is { } latest && !ReferenceEquals(latest, _applied))
            {
                SetStoreGauges(latest, stats.WorkersByStatus);
                _applied = latest;
            }
            _leader.Set(election.CurrentTerm is null ? 0 : 1);
        });
    }

    /// <summary>Counts the jobs this node stored (not those an idempotency key answered with an existing job).</summary>
    public void Submitted(IEnumerable<EnqueueResult> results)
    {
        foreach (var result in results)
        {
            if (result.Created) _submitted.WithLabels(result.Job.Queue).Inc();
        }
    }

    public void Leased(Job job)
    {
        _leased.WithLabels(job.Queue).Inc();
        if (job.QueuedAt is { } queued && job.StartedAt is { } started)
            _pickup.WithLabels(job.Queue).Observe(Math.Max(0, (started - queued).TotalSeconds));
    }

    public void Completed(Job job) => _completed.WithLabels(job.Queue).Inc();

    /// <summary>Counts a reported failure when it failed the job for good; a retry is not a failure of the job.</summary>
    public void FailureReported(Job job)
    {
        if (job.State == JobState.Failed) _failed.WithLabels(job.Queue).Inc();
    }

    public void Reaped(int count) => _reaped.Inc(count);

    /// <summary>Sets the store's counts; a queue the store no longer reports leaves the gauge.</summary>
    private void SetStoreGauges(StoreStats stats, IReadOnlyDictionary<WorkerStatus, int> workers)
    {
        _workersOnline.Set(stats.WorkersOnline);
        foreach (var (status, count) in workers)
            _workers.WithLabels(JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString())).Set(count);
        var queues = stats.Queues.Select(q => q.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var labels in _jobs.GetAllLabelValues().Where(l => !queues.Contains(l[0])).ToList())
            _jobs.RemoveLabelled(labels);
        foreach (var queue in stats.Queues)
        {
            foreach (var state in queue.Counts.States)
                _jobs.WithLabels(queue.Name, state.ToWire()).Set(queue.Counts.Of(state));
        }
    }
}
