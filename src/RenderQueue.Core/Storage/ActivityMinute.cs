namespace RenderQueue.Core.Storage;

/// <summary>
/// What happened in one queue during one minute: the series behind throughput, queue depth, wait-time
/// percentiles and failure-class charts. Kept by the store in the same transaction as each change.
/// </summary>
public sealed record ActivityMinute
{
    /// <summary>Start of the minute (UTC).</summary>
    public required DateTimeOffset Minute { get; init; }
    public required string Queue { get; init; }
    public long Submitted { get; init; }
    public long Started { get; init; }
    public long Succeeded { get; init; }
    public long Failed { get; init; }
    public long Canceled { get; init; }

    /// <summary>Queued jobs at the last change within the minute.</summary>
    public long Depth { get; init; }

    /// <summary>Counts of queue waits (queued → started) per bucket of <see cref="WaitHistogram.UpperBoundsMs"/>.</summary>
    public IReadOnlyList<long> WaitBuckets { get; init; } = [];

    /// <summary>Failed attempts by error class (final and retried).</summary>
    public IReadOnlyDictionary<string, long> FailuresByClass { get; init; } = new Dictionary<string, long>();
}

/// <summary>The fixed buckets of the wait-time histogram, shared by every store and the dashboard.</summary>
public static class WaitHistogram
{
    /// <summary>Upper bounds in milliseconds; the last bucket is everything above the last bound.</summary>
    public static IReadOnlyList<long> UpperBoundsMs { get; } =
        [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000];

    /// <summary>Number of buckets, one more than bounds.</summary>
    public static int BucketCount => UpperBoundsMs.Count + 1;

    /// <summary>The bucket of a wait.</summary>
    public static int BucketOf(TimeSpan wait)
    {
        var ms = wait.TotalMilliseconds;
        for (var i = 0; i < UpperBoundsMs.Count; i++)
        {
            if (ms <= UpperBoundsMs[i]) return i;
        }
        return UpperBoundsMs.Count;
    }

    /// <summary>The upper bound (ms) of the bucket holding quantile <paramref name="q"/>; null without samples.</summary>
    public static long? Quantile(IReadOnlyList<long> buckets, double q)
    {
        var total = buckets.Sum();
        if (total == 0) return null;
        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var i = 0; i < buckets.Count; i++)
        {
            seen += buckets[i];
            if (seen >= rank) return i < UpperBoundsMs.Count ? UpperBoundsMs[i] : UpperBoundsMs[^1] * 2;
        }
        return UpperBoundsMs[^1] * 2;
    }
}
