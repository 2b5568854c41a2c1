using System.Globalization;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

public sealed partial class RedisJobStore
{
    public async Task<Job?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.Get, [jobId], cancellationToken);
        return reply.IsNotFound ? null : JobHash.Read(reply.ThrowIfRefused(jobId).Value);
    }

    public async Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit, 1, 500);
        var reply = await RunAsync(_scripts.List,
        [
            ParseCursor(query.Cursor),
            limit + 1,
            query.Queue ?? "",
            query.Type ?? "",
            System.Text.Json.JsonSerializer.Serialize(query.States.Select(s => s.ToWire()).Distinct()),
        ], cancellationToken);
        var seqs = (RedisResult[])reply.Items[0]!;
        var jobs = ((RedisResult[])reply.Items[1]!).Select(JobHash.Read).ToList();
        var next = seqs.Length > limit ? (string)seqs[limit - 1]! : null;
        return new JobPage(jobs, next);
    }

    public async Task<IReadOnlyDictionary<string, QueuePosition>> GetPositionsAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken)
    {
        var positions = new Dictionary<string, QueuePosition>(StringComparer.Ordinal);
        if (jobIds.Count == 0) return positions;
        var reply = (await RunAsync(_scripts.Position,
            [System.Text.Json.JsonSerializer.Serialize(jobIds), Milliseconds(_rules.WorkerTtl)], cancellationToken)).ThrowIfRefused("");
        var now = _time.GetUtcNow();
        var workers = ((RedisResult[])reply.Items[1]!).Select(flat => WorkerHash.Read(flat, now, _rules.WorkerTtl)).ToList();
        foreach (var item in (RedisResult[])reply.Items[0]!)
        {
            var entry = ((RedisResult[])item)!;
            var position = (int)Math.Min((long)entry[1] + 1, Math.Max(1, _rules.PositionCountLimit));
            double? mean = (string?)entry[2] is { Length: > 0 } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;
            positions[(string)entry[0]!] = QueuePosition.Estimate(position, mean, workers, (string)entry[3]!, (string)entry[4]!);
        }
        return positions;
    }

    public async Task<StoreStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var (online, queues) = await ReadQueuesAsync(cancellationToken);
        return new StoreStats(queues.Aggregate(StateCounts.Zero, (sum, q) => sum.Plus(q.Counts)), queues, online);
    }

    public async Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken) =>
        (await ReadQueuesAsync(cancellationToken)).Queues;

    private async Task<(int Online, List<QueueInfo> Queues)> ReadQueuesAsync(CancellationToken cancellationToken)
    {
        var items = (await RunAsync(_scripts.Stats, [Milliseconds(_rules.WorkerTtl)], cancellationToken)).Items;
        var queues = ((RedisResult[])items[1]!)
            .Select(entry =>
            {
                var pair = (RedisResult[])entry!;
                return QueueHash.Read((string)pair[0]!, new RedisFields(pair[1]), _rules.States);
            })
            .OrderBy(q => q.Name, StringComparer.Ordinal)
            .ToList();
        return ((int)(long)items[0], queues);
    }

    public async Task<IReadOnlyList<ActivityMinute>> GetActivityAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var minute = since.ToUnixTimeMilliseconds() / 60_000 * 60_000;
        var reply = await RunAsync(_scripts.Activity, [minute], cancellationToken);
        return [.. reply.Items
            .Select(entry =>
            {
                var parts = (RedisResult[])entry!;
                return QueueHash.ReadActivity((string)parts[0]!, long.Parse((string)parts[1]!, CultureInfo.InvariantCulture), new RedisFields(parts[2]));
            })
            .OrderBy(a => a.Minute)
            .ThenBy(a => a.Queue, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<JobEvent>> ReadEventsAsync(long afterSequence, int max, CancellationToken cancellationToken)
    {
        if (max < 1) return [];
        var reply = await RunAsync(_scripts.Events, [Math.Max(0, afterSequence), max], cancellationToken);
        return [.. reply.Items.Select(EventEntry.Read)];
    }

    public async Task<long> LastEventSequenceAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var value = await RedisFailures.AnsweredAsync(_database.StringGetAsync(Key("event_seq")));
        return value.IsNull ? 0 : (long)value;
    }

    private static RedisValue ParseCursor(string? cursor)
    {
        if (cursor is null) return "";
        return long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0
            ? seq
            : throw new InvalidCursorException(cursor);
    }
}
