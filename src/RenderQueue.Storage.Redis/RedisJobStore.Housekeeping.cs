using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

public sealed partial class RedisJobStore
{
    public async Task<int> PromoteDueAsync(int max, CancellationToken cancellationToken) =>
        max < 1 ? 0 : (int)(long)(await RunAsync(_scripts.Promote, [max, Milliseconds(_rules.WorkerTtl)], cancellationToken)).Value;

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var first = await RedisFailures.AnsweredAsync(_database.SortedSetRangeByRankWithScoresAsync(Key("scheduled"), 0, 0));
        return first.Length == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)first[0].Score);
    }

    public async Task<int> ReapAsync(int max, TimeSpan timeoutGrace, CancellationToken cancellationToken) =>
        max < 1 ? 0 : (int)(long)(await RunAsync(_scripts.Reap, [max, Milliseconds(timeoutGrace)], cancellationToken)).Value;

    public async Task<IReadOnlyList<string>> PurgeFinishedAsync(DateTimeOffset before, int max, CancellationToken cancellationToken)
    {
        if (max < 1) return [];
        var reply = await RunAsync(_scripts.Purge, [before.ToUnixTimeMilliseconds(), max], cancellationToken);
        return [.. reply.Items.Select(id => (string)id!)];
    }

    public Task TrimHistoryAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        RunAsync(_scripts.Trim, [before.ToUnixTimeMilliseconds()], cancellationToken);

    private static RedisValue Flag(bool value) => value ? "1" : "0";
}
