using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Storage;
using static RenderQueue.Storage.Sqlite.StateSql;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Everything a job change writes besides the job row, in the same transaction: per-queue counters,
/// per-minute activity, the change-feed event, webhook deliveries and measured durations. Stats therefore never
/// scan jobs, and a webhook is never lost between a commit and its delivery.
/// </summary>
internal static class ChangeRecorder
{
    /// <summary>Persists an existing job's change and records it.</summary>
    public static Job Apply(WriteContext context, long seq, JobChange change)
    {
        JobTable.Update(context.Sql, seq, change.Job);
        Record(context, change);
        return change.Job;
    }

    /// <summary>Records a change whose row is already written.</summary>
    public static void Record(WriteContext context, JobChange change)
    {
        var job = change.Job;
        if (change.PreviousState != job.State)
        {
            var depth = UpdateCounters(context, job.Queue, change.PreviousState, job.State);
            RecordActivity(context.Sql, change, depth);
        }
        if (IsFailedAttempt(change)) CountFailure(context.Sql, job);
        if (job.State == JobState.Succeeded && change.PreviousState == JobState.Running) RecordDuration(context.Sql, job);
        if (change.MadeReady) context.JobsReady(job.Queue);
        if (JobEvent.From(change) is { } jobEvent)
        {
            var sequence = AppendEvent(context.Sql, jobEvent);
            context.EventAppended(sequence);
            WebhookOutbox.Write(context, jobEvent with { Sequence = sequence }, job);
        }
    }

    private static long UpdateCounters(WriteContext context, string queue, JobState? from, JobState to)
    {
        var sql = context.Sql;
        var total = to.IsFinished() ? $", {TotalColumn(to)} = {TotalColumn(to)} + 1" : "";
        if (from is not { } previous)
        {
            return (long)sql.Scalar(
                $"""
                INSERT INTO queues (name, {Column(to)}, total_submitted) VALUES ($1, 1, 1)
                ON CONFLICT (name) DO UPDATE SET {Column(to)} = {Column(to)} + 1, total_submitted = total_submitted + 1
                RETURNING {Column(JobState.Queued)}
                """, queue)!;
        }
        return (long)sql.Scalar(
            $"UPDATE queues SET {Column(previous)} = {Column(previous)} - 1, {Column(to)} = {Column(to)} + 1{total} WHERE name = $1 RETURNING {Column(JobState.Queued)}",
            queue)!;
    }

    private static void RecordActivity(Commands sql, JobChange change, long depth)
    {
        var job = change.Job;
        var minute = UnixTime.MinuteOf(job.UpdatedAt);
        var submitted = change.PreviousState is null ? 1 : 0;
        var started = job.State == JobState.Running ? 1 : 0;
        var succeeded = job.State == JobState.Succeeded ? 1 : 0;
        var failed = job.State == JobState.Failed ? 1 : 0;
        var canceled = job.State == JobState.Canceled ? 1 : 0;
        sql.Execute(
            """
            INSERT INTO activity (minute, queue, submitted, started, succeeded, failed, canceled, depth)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (minute, queue) DO UPDATE SET
                submitted = submitted + excluded.submitted, started = started + excluded.started,
                succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed,
                canceled = canceled + excluded.canceled, depth = excluded.depth
            """,
            minute, job.Queue, submitted, started, succeeded, failed, canceled, depth);

        if (started == 1 && job.StartedAt is { } start && job.QueuedAt is { } queuedAt)
        {
            sql.Execute(
                """
                INSERT INTO activity_waits (minute, queue, bucket, count) VALUES ($1, $2, $3, 1)
                ON CONFLICT (minute, queue, bucket) DO UPDATE SET count = count + 1
                """,
                minute, job.Queue, WaitHistogram.BucketOf(start - queuedAt));
        }
    }

    // A free release (requeued, class released) is no failure; one charged an attempt (retrying or failed) is.
    private static bool IsFailedAttempt(JobChange change) =>
        change.PreviousState == JobState.Running && change.Job.Error is { } error &&
        (change.EventType is JobEventTypes.Failed or JobEventTypes.Retrying
         || change.EventType == JobEventTypes.Requeued && error.Class != ErrorClasses.Released);

    private static void CountFailure(Commands sql, Job job) => sql.Execute(
        """
        INSERT INTO activity_failures (minute, queue, class, count) VALUES ($1, $2, $3, 1)
        ON CONFLICT (minute, queue, class) DO UPDATE SET count = count + 1
        """,
        UnixTime.MinuteOf(job.UpdatedAt), job.Queue, job.Error!.Class);

    private static void RecordDuration(Commands sql, Job job)
    {
        if (job.StartedAt is not { } started || job.FinishedAt is not { } finished) return;
        sql.Execute(
            """
            INSERT INTO durations (queue, type, mean_ms, samples) VALUES ($1, $2, $3, 1)
            ON CONFLICT (queue, type) DO UPDATE SET
                mean_ms = mean_ms + (excluded.mean_ms - mean_ms) / MIN(samples + 1, 20), samples = samples + 1
            """,
            job.Queue, job.Type, (finished - started).TotalMilliseconds);
    }

    private static long AppendEvent(Commands sql, JobEvent jobEvent) => (long)sql.Scalar(
        "INSERT INTO events (at, body) VALUES ($1, $2) RETURNING seq",
        UnixTime.Ms(jobEvent.At), JsonSerializer.Serialize(jobEvent, RenderQueueJson.Compact))!;
}
