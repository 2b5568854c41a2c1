using System.Globalization;
using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;

namespace RenderQueue.Storage.Sqlite;

public sealed partial class SqliteJobStore
{
    public Task<Job?> GetAsync(string jobId, CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql => JobTable.Find(sql, jobId)?.Job));

    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql => JobListing.Page(sql, query)));

    public Task<QueuePosition?> GetPositionAsync(string jobId, CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql =>
        {
            using var reader = sql.Query("SELECT state, queue, type, priority, seq FROM jobs WHERE id = $1", jobId);
            if (!reader.Read()) throw new JobNotFoundException(jobId);
            if (reader.GetInt32(0) != (int)JobState.Queued) return null;
            var (queue, type, priority, seq) = (reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4));
            reader.Close();

            var limit = _rules.PositionCountLimit;
            var ahead = Count(sql, "SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 1 AND queue = $1 AND type = $2 AND priority > $3 LIMIT $4)", queue, type, priority, limit);
            if (ahead < limit)
                ahead += Count(sql, "SELECT count(*) FROM (SELECT 1 FROM jobs WHERE state = 1 AND queue = $1 AND type = $2 AND priority = $3 AND seq < $4 LIMIT $5)", queue, type, priority, seq, limit - ahead);
            var position = (int)Math.Min(ahead + 1, limit);
            return new QueuePosition(position, EstimateWait(sql, queue, type, position));
        }));

    /// <summary>Jobs ahead spread over the online workers that serve this queue and type, times the mean duration.</summary>
    private TimeSpan? EstimateWait(Commands sql, string queue, string type, int position)
    {
        if (sql.Scalar("SELECT mean_ms FROM durations WHERE queue = $1 AND type = $2", queue, type) is not double meanMs) return null;
        var slots = Workers(sql).Where(w => w.Status == WorkerStatus.Online && Serves(w.Registration, queue, type))
                                .Sum(w => Math.Max(1, w.Registration.Concurrency));
        var rounds = Math.Ceiling(position / (double)Math.Max(1, slots));
        return TimeSpan.FromMilliseconds(rounds * meanMs);
    }

    private static bool Serves(WorkerRegistration worker, string queue, string type) =>
        worker.Types.Contains(type, StringComparer.Ordinal) && (worker.Queues.Count == 0 || worker.Queues.Contains(queue, StringComparer.Ordinal));

    public Task<StoreStats> GetStatsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql =>
        {
            var queues = Queues(sql);
            var online = Count(sql, "SELECT count(*) FROM workers WHERE last_seen_at >= $1", UnixTime.Ms(Now - _rules.WorkerTtl));
            return new StoreStats(queues.Aggregate(StateCounts.Zero, (sum, q) => sum.Plus(q.Counts)), queues, (int)online);
        }));

    public Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<QueueInfo>>(_readers.Read(Queues));

    public Task<IReadOnlyList<ActivityMinute>> GetActivityAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql => ActivityReader.Read(sql, UnixTime.MinuteOf(since))));

    public Task<IReadOnlyList<JobEvent>> ReadEventsAsync(long afterSequence, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JobEvent>>(_readers.Read(sql =>
        {
            var events = new List<JobEvent>();
            using var reader = sql.Query("SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq LIMIT $2", afterSequence, max);
            while (reader.Read())
                events.Add(JsonSerializer.Deserialize<JobEvent>(reader.GetString(1), RenderQueueJson.Compact)! with { Sequence = reader.GetInt64(0) });
            return events;
        }));

    public Task<long> LastEventSequenceAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql => sql.Scalar("SELECT seq FROM sqlite_sequence WHERE name = 'events'") is long seq ? seq : 0L));

    private static List<QueueInfo> Queues(Commands sql)
    {
        var queues = new List<QueueInfo>();
        using var reader = sql.Query(
            """
            SELECT name, paused, scheduled, queued, running, succeeded, failed, canceled,
                   total_submitted, total_succeeded, total_failed, total_canceled
            FROM queues ORDER BY name
            """);
        while (reader.Read())
        {
            var counts = new StateCounts(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
            var totals = new QueueTotals(reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11));
            queues.Add(new QueueInfo(reader.GetString(0), reader.GetInt64(1) != 0, counts, totals));
        }
        return queues;
    }

    private static long Count(Commands sql, string query, params ReadOnlySpan<object?> values) =>
        Convert.ToInt64(sql.Scalar(query, values), CultureInfo.InvariantCulture);
}
