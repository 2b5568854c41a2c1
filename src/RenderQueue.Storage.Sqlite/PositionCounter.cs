namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Queue positions for a set of jobs. SQLite has no order-statistic index, so a position is a count over
/// <c>ix_jobs_ready</c>. The jobs of one (queue, type) are sorted into lease order and only the gaps between
/// consecutive ones are counted, so a page costs one pass up to its furthest job, capped at the count limit.
/// </summary>
internal static class PositionCounter
{
    private static readonly string Ready = $"SELECT count(*) FROM (SELECT 1 FROM jobs WHERE {StateSql.IsQueued} AND queue = $1 AND type = $2 AND ";
    private static readonly string QueuedJob = $"SELECT queue, type, priority, seq FROM jobs WHERE id = $1 AND {StateSql.IsQueued}";

    public static List<(string Id, string Queue, string Type, int Position)> Count(Commands sql, IReadOnlyCollection<string> jobIds, int limit)
    {
        var queued = new List<Row>();
        foreach (var id in jobIds.Distinct(StringComparer.Ordinal))
        {
            using var reader = sql.Query(QueuedJob, id);
            if (reader.Read()) queued.Add(new Row(id, reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        var positions = new List<(string, string, string, int)>(queued.Count);
        foreach (var group in queued.GroupBy(r => (r.Queue, r.Type)))
        {
            long ahead = 0;
            Row? previous = null;
            foreach (var row in group.OrderByDescending(r => r.Priority).ThenBy(r => r.Seq))
            {
                if (ahead < limit)
                {
                    ahead += previous is null ? CountBefore(sql, row, limit) : 1 + CountBetween(sql, previous, row, limit - ahead);
                }
                positions.Add((row.Id, row.Queue, row.Type, (int)Math.Min(ahead + 1, limit)));
                previous = row;
            }
        }
        return positions;
    }

    /// <summary>Ready jobs leased before <paramref name="row"/>.</summary>
    private static long CountBefore(Commands sql, Row row, long limit)
    {
        var higher = Scalar(sql, Ready + "priority > $3 LIMIT $4)", row.Queue, row.Type, row.Priority, limit);
        return higher >= limit ? higher : higher + Scalar(sql, Ready + "priority = $3 AND seq < $4 LIMIT $5)", row.Queue, row.Type, row.Priority, row.Seq, limit - higher);
    }

    /// <summary>Ready jobs strictly between two jobs already in lease order.</summary>
    private static long CountBetween(Commands sql, Row from, Row to, long limit)
    {
        if (from.Priority == to.Priority)
            return Scalar(sql, Ready + "priority = $3 AND seq > $4 AND seq < $5 LIMIT $6)", to.Queue, to.Type, to.Priority, from.Seq, to.Seq, limit);
        var count = Scalar(sql, Ready + "priority = $3 AND seq > $4 LIMIT $5)", to.Queue, to.Type, from.Priority, from.Seq, limit);
        if (count < limit) count += Scalar(sql, Ready + "priority < $3 AND priority > $4 LIMIT $5)", to.Queue, to.Type, from.Priority, to.Priority, limit - count);
        if (count < limit) count += Scalar(sql, Ready + "priority = $3 AND seq < $4 LIMIT $5)", to.Queue, to.Type, to.Priority, to.Seq, limit - count);
        return count;
    }

    private static long Scalar(Commands sql, string query, params ReadOnlySpan<object?> values) =>
        Convert.ToInt64(sql.Scalar(query, values), System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Row(string Id, string Queue, string Type, long Priority, long Seq);
}
