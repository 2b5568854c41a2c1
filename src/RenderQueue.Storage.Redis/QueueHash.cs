using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// A queue's counters (<c>P:{q:name}:queue</c>: jobs per state, totals, paused, the settings weight and max_running,
/// the fair-share pass) and its activity minutes
/// (<c>P:{q:name}:activity:{minute}</c>: counts, depth, <c>w{bucket}</c> waits, <c>f:{class}</c> failures).
/// </summary>
internal static class QueueHash
{
    public static QueueInfo Read(string name, RedisFields f, IReadOnlyList<JobState> states)
    {
        long N(string field) => f.OptionalLong(field) ?? 0;
        var counts = new StateCounts(states.ToDictionary(state => state, state => N(state.ToWire())));
        var totals = new QueueTotals(N("total_submitted"), N("total_succeeded"), N("total_failed"), N("total_canceled"));
        return new QueueInfo(name, f.Flag("paused"), counts, totals,
            (int)(f.OptionalLong("weight") ?? QueueSettings.DefaultWeight), (int?)f.OptionalLong("max_running"));
    }

    public static ActivityMinute ReadActivity(string queue, long minute, RedisFields f)
    {
        long N(string field) => f.OptionalLong(field) ?? 0;
        var waits = new long[WaitHistogram.BucketCount];
        for (var i = 0; i < waits.Length; i++) waits[i] = N($"w{i}");
        var failures = f.All
            .Where(field => field.Key.StartsWith("f:", StringComparison.Ordinal))
            .ToDictionary(field => field.Key[2..], field => long.Parse(field.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        return new ActivityMinute
        {
            Minute = DateTimeOffset.FromUnixTimeMilliseconds(minute),
            Queue = queue,
            Submitted = N("submitted"),
            Started = N("started"),
            Succeeded = N("succeeded"),
            Failed = N("failed"),
            Canceled = N("canceled"),
            Depth = N("depth"),
            WaitBuckets = waits,
            FailuresByClass = failures,
        };
    }
}
