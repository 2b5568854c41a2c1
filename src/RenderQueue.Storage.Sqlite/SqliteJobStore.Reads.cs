using System.Globalization;
using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

public sealed partial class SqliteJobStore
{
    public Task<Job?> GetAsync(string jobId, CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql => JobTable.Find(sql, jobId)?.Job));

    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql => JobListing.Page(sql, query, _states.States)));

    public Task<IReadOnlyDictionary<string, QueuePosition>> GetPositionsAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, QueuePosition>>(_readers.Read(sql =>
        {
            var positions = PositionCounter.Count(sql, jobIds, _rules.PositionCountLimit);
            var workers = positions.Count == 0 ? [] : Workers(sql);
            var result = new Dictionary<string, QueuePosition>(StringComparer.Ordinal);
            foreach (var (id, queue, type, position) in positions)
            {
                var mean = sql.Scalar("SELECT mean_ms FROM durations WHERE queue = $1 AND type = $2", queue, type) as double?;
                result[id] = QueuePosition.Estimate(position, mean, workers, queue, type);
            }
            return result;
        }));

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

    private List<QueueInfo> Queues(Commands sql)
    {
        var states = _states.States;
        var queues = new List<QueueInfo>();
        using var reader = sql.Query(_states.SelectQueues);
        while (reader.Read())
        {
            var totals = new QueueTotals(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
            var counts = new StateCounts(states.Select((state, i) => (state, reader.GetInt64(8 + i))).ToDictionary());
            queues.Add(new QueueInfo(reader.GetString(0), reader.GetInt64(1) != 0, counts, totals,
                reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7)));
        }
        return queues;
    }

    private static long Count(Commands sql, string query, params ReadOnlySpan<object?> values) =>
        Convert.ToInt64(sql.Scalar(query, values), CultureInfo.InvariantCulture);
}
