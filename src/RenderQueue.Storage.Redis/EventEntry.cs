using System.Globalization;
using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// A change-feed entry of the events stream. Its id is <c>0-{sequence}</c>, the sequence coming from one
/// INCR counter, so ids increase store-wide and <see cref="JobEvent.Sequence"/> is the id's second half.
/// </summary>
internal static class EventEntry
{
    public static JobEvent Read(RedisResult entry)
    {
        var parts = (RedisResult[])entry!;
        var id = (string)parts[0]!;
        return FromFields(new RedisFields(parts[1]), long.Parse(id.AsSpan(id.IndexOf('-', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture));
    }

    /// <summary>An event from its fields (a stream entry's, or the copy a webhook delivery keeps).</summary>
    public static JobEvent FromFields(RedisFields f, long sequence) =>
        new()
        {
            Sequence = sequence,
            Type = f["t"],
            At = f.Time("at"),
            JobId = f["id"],
            Queue = f["q"],
            JobType = f["jt"],
            State = JobStates.ParseStored(f["s"]),
            Attempt = f.Int("a"),
            Priority = f.Int("p"),
            Progress = f.Text("pm") is null ? null : new JobProgress(f.Double("pv"), f.Double("pm"), f.Text("pmsg")),
            Error = f.Text("err") is { } error ? JsonSerializer.Deserialize<JobError>(error, RenderQueueJson.Options) : null,
            WorkerId = f.Text("w"),
            Reason = f.Text("r"),
        };
}
