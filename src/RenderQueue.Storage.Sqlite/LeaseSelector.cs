using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Picks the jobs a lease takes. Each (queue, type) pair the worker serves is a stream of ready jobs in
/// lease order, read from the partial index <c>ix_jobs_ready</c> a few rows at a time; the streams are merged
/// by <see cref="FairShare.Order"/> (priority desc, the queue's fair-share pass, seq asc) and each head is checked
/// against the worker's capabilities and its queue's cap. Cost is O(streams · log n) for jobs without requirements,
/// bounded by the scan limit otherwise. When the first job has a batch key, the rest of the lease is filled only with
/// jobs of that batch.
/// </summary>
internal static class LeaseSelector
{
    private const int PageSize = 16;

    // Built once: every lease runs these, and the commands cache is keyed by their text.
    private static readonly string BatchMates =
        $"SELECT seq, type, requirements FROM jobs WHERE {StateSql.IsQueued} AND batch_key = $1 AND queue = $2 AND seq <> $3 ORDER BY seq LIMIT $4";
    private static readonly string ReadyPage =
        $"""
        SELECT seq, priority, requirements, batch_key FROM jobs
        WHERE {StateSql.IsQueued} AND queue = $1 AND type = $2 AND (priority < $3 OR (priority = $3 AND seq > $4))
        ORDER BY priority DESC, seq LIMIT $5
        """;

    public static List<long> Select(Commands sql, LeaseRequest request, FairShare share, int scanLimit)
    {
        var chosen = new List<long>(request.MaxJobs);
        var heads = new PriorityQueue<Stream, (long NegPriority, long Pass, long Seq)>();
        foreach (var queue in share.Queues)
        {
            foreach (var type in request.Types)
            {
                var stream = new Stream(queue, type);
                if (stream.Advance(sql)) heads.Enqueue(stream, stream.Key(share));
            }
        }

        var scanned = 0;
        string? batchKey = null;
        var batchQueue = "";
        while (chosen.Count < request.MaxJobs && scanned < scanLimit && heads.TryDequeue(out var stream, out var order))
        {
            if (!share.HasRoom(stream.Queue)) continue; // its queue reached max_running: the stream leaves the merge
            if (stream.Key(share) is var current && current != order)
            {
                heads.Enqueue(stream, current); // its queue was served meanwhile: its pass moved on
                continue;
            }
            scanned++;
            var candidate = stream.Current;
            if (Meets(candidate.Requirements, request.Capabilities))
            {
                chosen.Add(candidate.Seq);
                share.Charge(stream.Queue);
                if (chosen.Count == 1 && candidate.BatchKey is { } key)
                {
                    (batchKey, batchQueue) = (key, stream.Queue);
                    break;
                }
            }
            if (stream.Advance(sql)) heads.Enqueue(stream, stream.Key(share));
        }

        if (batchKey is not null && chosen.Count < request.MaxJobs)
            AddBatchMates(sql, request, share, chosen, batchQueue, batchKey, scanLimit);
        return chosen;
    }

    /// <summary>Jobs of the same batch (same queue) join the first one, in submit order.</summary>
    private static void AddBatchMates(Commands sql, LeaseRequest request, FairShare share, List<long> chosen, string queue, string batchKey, int scanLimit)
    {
        using var reader = sql.Query(BatchMates, batchKey, queue, chosen[0], scanLimit);
        while (chosen.Count < request.MaxJobs && share.HasRoom(queue) && reader.Read())
        {
            var requirements = reader.IsDBNull(2) ? null : reader.GetString(2);
            if (request.Types.Contains(reader.GetString(1), StringComparer.Ordinal) && Meets(requirements, request.Capabilities))
            {
                chosen.Add(reader.GetInt64(0));
                share.Charge(queue);
            }
        }
    }

    private static bool Meets(string? requirements, WorkerCapabilities capabilities) =>
        requirements is null ||
        JsonSerializer.Deserialize<JobRequirements>(requirements, RenderQueueJson.Compact)!.IsMetBy(capabilities);

    private readonly record struct Candidate(long Seq, long Priority, string? Requirements, string? BatchKey);

    /// <summary>Ready jobs of one queue and type, in lease order, fetched a page at a time.</summary>
    private sealed class Stream(string queue, string type)
    {
        public string Queue => queue;

        private readonly Queue<Candidate> _buffer = new();
        private long _afterPriority = long.MaxValue;
        private long _afterSeq = long.MinValue;
        private bool _exhausted;

        public Candidate Current { get; private set; }

        public (long, long, long) Key(FairShare share) => share.Order(queue, Current.Priority, Current.Seq);

        public bool Advance(Commands sql)
        {
            if (_buffer.Count == 0 && !_exhausted) Fill(sql);
            if (!_buffer.TryDequeue(out var next)) return false;
            Current = next;
            return true;
        }

        private void Fill(Commands sql)
        {
            using var reader = sql.Query(ReadyPage, queue, type, _afterPriority, _afterSeq, PageSize);
            var read = 0;
            while (reader.Read())
            {
                read++;
                var candidate = new Candidate(reader.GetInt64(0), reader.GetInt64(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
                _buffer.Enqueue(candidate);
                (_afterPriority, _afterSeq) = (candidate.Priority, candidate.Seq);
            }
            _exhausted = read < PageSize;
        }
    }
}
