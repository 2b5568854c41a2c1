using RenderQueue.Core.Storage;

namespace RenderQueue.Core.Api;

/// <summary>The reply to <c>GET /api/v1/stats</c>.</summary>
/// <param name="Counts">Jobs by state over all queues.</param>
/// <param name="Queues">Each queue's counts, totals and pause state.</param>
/// <param name="WorkersOnline">Workers with a recent heartbeat.</param>
/// <param name="Throughput">Jobs per minute over the last five minutes.</param>
/// <param name="WaitTimes">Queue wait (queued → started) over the last hour.</param>
public sealed record StatsResponse(
    StateCounts Counts,
    IReadOnlyList<QueueInfo> Queues,
    int WorkersOnline,
    Throughput Throughput,
    WaitTimes WaitTimes);

/// <summary>Jobs per minute.</summary>
public sealed record Throughput(double SubmittedPerMinute, double SucceededPerMinute, double FailedPerMinute);

/// <summary>Wait-time percentiles in seconds (bucket upper bounds); null without samples.</summary>
public sealed record WaitTimes(double? P50, double? P95, long Samples);

/// <summary>The reply to <c>GET /api/v1/stats/activity</c>: per-minute series for charts.</summary>
public sealed record ActivityResponse(IReadOnlyList<long> WaitBucketBoundsMs, IReadOnlyList<ActivityMinute> Minutes);
