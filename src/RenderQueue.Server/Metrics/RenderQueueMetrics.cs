using System.Diagnostics.Metrics;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Events;

namespace RenderQueue.Server.Metrics;

/// <summary>
/// The <c>RenderQueue</c> meter. Job counters follow the store's change feed (so lease expiries and timeouts
/// that the reaper turns into failures count too); pickup latency is measured where a lease is granted; the
/// per-state gauges read the store's counters through <see cref="JobStatsCache"/>.
/// </summary>
internal sealed class RenderQueueMetrics : IJobEventListener
{
    public const string MeterName = "RenderQueue";

    /// <summary>Pickup-latency buckets in seconds: from a parked worker's milliseconds to an hour in a queue.</summary>
    public static IReadOnlyList<double> PickupBuckets { get; } =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

    private readonly Counter<long> _submitted;
    private readonly Counter<long> _leased;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _pickup;

    public RenderQueueMetrics(IMeterFactory meters, JobStatsCache stats)
    {
        Meter = meters.Create(MeterName);
        _submitted = Meter.CreateCounter<long>("renderqueue.jobs.submitted", "{job}", "Jobs submitted.");
        _leased = Meter.CreateCounter<long>("renderqueue.jobs.leased", "{job}", "Jobs leased to a worker (each attempt counts).");
        _completed = Meter.CreateCounter<long>("renderqueue.jobs.completed", "{job}", "Jobs that succeeded.");
        _failed = Meter.CreateCounter<long>("renderqueue.jobs.failed", "{job}", "Jobs that failed for good (attempts used up or not retryable).");
        _pickup = Meter.CreateHistogram("renderqueue.jobs.pickup_latency", "s", "Time from entering the queue to being leased.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PickupBuckets });
        Meter.CreateObservableGauge("renderqueue.jobs", () => stats.Latest is { } s ? JobGauges(s) : [], "{job}", "Jobs in the store by queue and state.");
        Meter.CreateObservableGauge("renderqueue.workers.online", () => stats.Latest?.WorkersOnline ?? 0, "{worker}", "Workers with a recent heartbeat.");
    }

    public Meter Meter { get; }

    public void Leased(Job job)
    {
        var queue = Queue(job.Queue);
        _leased.Add(1, queue);
        if (job.QueuedAt is { } queued && job.StartedAt is { } started)
            _pickup.Record(Math.Max(0, (started - queued).TotalSeconds), queue);
    }

    public void OnEvent(JobEvent e)
    {
        switch (e.Type)
        {
            case JobEventTypes.Submitted: _submitted.Add(1, Queue(e.Queue)); break;
            case JobEventTypes.Succeeded: _completed.Add(1, Queue(e.Queue)); break;
            case JobEventTypes.Failed: _failed.Add(1, Queue(e.Queue)); break;
        }
    }

    private static KeyValuePair<string, object?> Queue(string queue) => new("queue", queue);

    private static IEnumerable<Measurement<long>> JobGauges(StoreStats stats)
    {
        foreach (var queue in stats.Queues)
        {
            foreach (var state in JobStates.All)
                yield return new Measurement<long>(CountOf(queue.Counts, state), Queue(queue.Name), new("state", state.ToWire()));
        }
    }

    private static long CountOf(StateCounts counts, JobState state) => state switch
    {
        JobState.Scheduled => counts.Scheduled,
        JobState.Queued => counts.Queued,
        JobState.Running => counts.Running,
        JobState.Succeeded => counts.Succeeded,
        JobState.Failed => counts.Failed,
        _ => counts.Canceled,
    };
}
