using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>Assembles <see cref="ActivityMinute"/> rows from the three activity tables.</summary>
internal static class ActivityReader
{
    public static IReadOnlyList<ActivityMinute> Read(Commands sql, long sinceMinute)
    {
        var minutes = new Dictionary<(long, string), Builder>();
        Builder At(long minute, string queue)
        {
            if (!minutes.TryGetValue((minute, queue), out var builder))
                minutes[(minute, queue)] = builder = new Builder(minute, queue);
            return builder;
        }

        using (var reader = sql.Query("SELECT minute, queue, submitted, started, succeeded, failed, canceled, depth FROM activity WHERE minute >= $1", sinceMinute))
        {
            while (reader.Read())
            {
                var b = At(reader.GetInt64(0), reader.GetString(1));
                (b.Submitted, b.Started, b.Succeeded, b.Failed, b.Canceled, b.Depth) =
                    (reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
            }
        }
        using (var reader = sql.Query("SELECT minute, queue, bucket, count FROM activity_waits WHERE minute >= $1", sinceMinute))
        {
            while (reader.Read())
            {
                var bucket = reader.GetInt32(2);
                if (bucket >= 0 && bucket < WaitHistogram.BucketCount) At(reader.GetInt64(0), reader.GetString(1)).Waits[bucket] = reader.GetInt64(3);
            }
        }
        using (var reader = sql.Query("SELECT minute, queue, class, count FROM activity_failures WHERE minute >= $1", sinceMinute))
        {
            while (reader.Read()) At(reader.GetInt64(0), reader.GetString(1)).Failures[reader.GetString(2)] = reader.GetInt64(3);
        }

        return [.. minutes.Values.OrderBy(b => b.Minute).ThenBy(b => b.Queue, StringComparer.Ordinal).Select(b => b.Build())];
    }

    private sealed class Builder(long minute, string queue)
    {
        public long Minute => minute;
        public string Queue => queue;
        public long Submitted, Started, Succeeded, Failed, Canceled, Depth;
        public long[] Waits { get; } = new long[WaitHistogram.BucketCount];
        public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

        public ActivityMinute Build() => new()
        {
            Minute = UnixTime.From(minute),
            Queue = queue,
            Submitted = Submitted,
            Started = Started,
            Succeeded = Succeeded,
            Failed = Failed,
            Canceled = Canceled,
            Depth = Depth,
            WaitBuckets = Waits,
            FailuresByClass = Failures,
        };
    }
}
