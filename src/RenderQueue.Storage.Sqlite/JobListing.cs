using System.Globalization;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Newest-first pages. Each requested state is read from its own index range (<c>(state, seq)</c>,
/// <c>(queue, state, seq)</c> or <c>(type, state, seq)</c>) and the ranges are merged, so a page costs
/// O(states · (log n + limit)) however many jobs the store holds. The cursor is the last job's sequence.
/// </summary>
internal static class JobListing
{
    public static JobPage Page(Commands sql, JobQuery query, IReadOnlyList<JobState> states)
    {
        var limit = Math.Clamp(query.Limit, 1, 500);
        var before = ParseCursor(query.Cursor);
        var seqs = query.States.Count == 0 && query.Queue is null && query.Type is null
            ? Newest(sql, before, limit + 1)
            : (query.States.Count == 0 ? states : query.States.Distinct())
                .SelectMany(state => NewestInState(sql, query, state, before, limit + 1))
                .OrderDescending()
                .Take(limit + 1)
                .ToList();

        var items = seqs.Take(limit).Select(seq => JobTable.LoadBySeq(sql, seq)).ToList();
        var next = seqs.Count > limit ? seqs[limit - 1].ToString(CultureInfo.InvariantCulture) : null;
        return new JobPage(items, next);
    }

    private static List<long> Newest(Commands sql, long before, int count) =>
        Read(sql, "SELECT seq FROM jobs WHERE seq < $1 ORDER BY seq DESC LIMIT $2", before, count);

    private static List<long> NewestInState(Commands sql, JobQuery query, JobState state, long before, int count) =>
        (query.Queue, query.Type) switch
        {
            ({ } queue, null) => Read(sql, "SELECT seq FROM jobs WHERE queue = $1 AND state = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4", queue, (int)state, before, count),
            ({ } queue, { } type) => Read(sql, "SELECT seq FROM jobs WHERE queue = $1 AND state = $2 AND seq < $3 AND type = $4 ORDER BY seq DESC LIMIT $5", queue, (int)state, before, type, count),
            (null, { } type) => Read(sql, "SELECT seq FROM jobs WHERE type = $1 AND state = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4", type, (int)state, before, count),
            _ => Read(sql, "SELECT seq FROM jobs WHERE state = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3", (int)state, before, count),
        };

    private static List<long> Read(Commands sql, string query, params ReadOnlySpan<object?> values)
    {
        var seqs = new List<long>();
        using var reader = sql.Query(query, values);
        while (reader.Read()) seqs.Add(reader.GetInt64(0));
        return seqs;
    }

    private static long ParseCursor(string? cursor)
    {
        if (cursor is null) return long.MaxValue;
        return long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0
            ? seq
            : throw new InvalidCursorException(cursor);
    }
}
