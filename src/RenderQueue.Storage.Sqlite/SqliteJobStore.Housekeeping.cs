using RenderQueue.Core.Jobs;

namespace RenderQueue.Storage.Sqlite;

public sealed partial class SqliteJobStore
{
    private static readonly string DueScheduled = $"SELECT seq FROM jobs WHERE {StateSql.IsScheduled} AND run_at <= $1 ORDER BY run_at LIMIT $2";
    private static readonly string NextScheduled = $"SELECT min(run_at) FROM jobs WHERE {StateSql.IsScheduled}";
    private static readonly string ExpiredLeases = $"SELECT seq FROM jobs WHERE {StateSql.IsRunning} AND lease_expires_at < $1 ORDER BY lease_expires_at LIMIT $2";
    private static readonly string OverdueJobs = $"SELECT seq FROM jobs WHERE {StateSql.IsRunning} AND deadline < $1 ORDER BY deadline LIMIT $2";
    // INDEXED BY: given `state IN (…)` the planner prefers ix_jobs_state and sorts every finished job by time.
    private static readonly string FinishedBefore =
        $"SELECT seq, id, queue, state FROM jobs INDEXED BY ix_jobs_finished WHERE {StateSql.IsFinished} AND finished_at < $1 ORDER BY finished_at LIMIT $2";

    public Task<int> PromoteDueAsync(int max, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var now = Now;
            var due = Seqs(context.Sql, DueScheduled, UnixTime.Ms(now), max);
            foreach (var seq in due)
            {
                var job = JobTable.LoadBySeq(context.Sql, seq);
                ChangeRecorder.Apply(context, seq, LargerGpu.IsWaiting(job) ? EndLargerGpuWait(context.Sql, job, now) : JobLifecycle.Promote(job, now));
            }
            return due.Count;
        }, cancellationToken);

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql =>
            sql.Scalar(NextScheduled) is long ms ? UnixTime.From(ms) : (DateTimeOffset?)null));

    public Task<int> ReapAsync(int max, TimeSpan timeoutGrace, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var now = Now;
            var expired = Seqs(context.Sql, ExpiredLeases, UnixTime.Ms(now), max);
            foreach (var seq in expired)
                ChangeRecorder.Apply(context, seq, JobLifecycle.Expire(JobTable.LoadBySeq(context.Sql, seq), now));

            var overdue = Seqs(context.Sql, OverdueJobs, UnixTime.Ms(now - timeoutGrace), max);
            foreach (var seq in overdue)
                ChangeRecorder.Apply(context, seq, JobLifecycle.TimeOut(JobTable.LoadBySeq(context.Sql, seq), now));
            return expired.Count + overdue.Count;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> PurgeFinishedAsync(DateTimeOffset before, int max, CancellationToken cancellationToken) =>
        _writer.WriteAsync<IReadOnlyList<string>>(context =>
        {
            var purged = new List<string>();
            using (var reader = context.Sql.Query(FinishedBefore, UnixTime.Ms(before), max))
            {
                var rows = new List<(long Seq, string Id, string Queue, JobState State)>();
                while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (JobState)reader.GetInt32(3)));
                reader.Close();
                foreach (var row in rows)
                {
                    context.Sql.Execute("DELETE FROM jobs WHERE seq = $1", row.Seq);
                    context.Sql.Execute("DELETE FROM webhook_progress WHERE job_id = $1", row.Id);
                    var column = StateSql.Column(row.State);
                    context.Sql.Execute($"UPDATE queues SET {column} = {column} - 1 WHERE name = $1", row.Queue);
                    purged.Add(row.Id);
                }
            }
            return purged;
        }, cancellationToken);

    public Task TrimHistoryAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var ms = UnixTime.Ms(before);
            // The feed is the big table: trim it in bounded steps so one call never holds the writer for long.
            context.Sql.Execute("DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE at < $1 ORDER BY at LIMIT 50000)", ms);
            context.Sql.Execute("DELETE FROM activity WHERE minute < $1", ms);
            context.Sql.Execute("DELETE FROM activity_waits WHERE minute < $1", ms);
            context.Sql.Execute("DELETE FROM activity_failures WHERE minute < $1", ms);
            context.Sql.Execute("DELETE FROM workers WHERE last_seen_at < $1", ms);
            // Finished deliveries are history; pending ones stay whatever their age, so none is ever skipped.
            var finished = $"SELECT id FROM webhook_deliveries WHERE {StateSql.DeliveryIsFinished} AND finished_at < $1 ORDER BY finished_at LIMIT 50000";
            context.Sql.Execute($"DELETE FROM webhook_attempts WHERE delivery_id IN ({finished})", ms);
            context.Sql.Execute($"DELETE FROM webhook_deliveries WHERE id IN ({finished})", ms);
            return true;
        }, cancellationToken);

    private static List<long> Seqs(Commands sql, string query, params ReadOnlySpan<object?> values)
    {
        var seqs = new List<long>();
        using var reader = sql.Query(query, values);
        while (reader.Read()) seqs.Add(reader.GetInt64(0));
        return seqs;
    }
}
