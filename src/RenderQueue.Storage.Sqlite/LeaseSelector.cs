using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Picks the jobs a lease takes and the slot each goes to (lease.lua mirrors this). Each (queue, type) pair the
/// worker serves is a stream of ready jobs in lease order, read from the partial index <c>ix_jobs_ready</c> a few rows
/// at a time; the streams are merged by <see cref="FairShare.Order"/> (priority desc, the queue's fair-share pass, seq
/// asc) and each head is checked against the worker's capabilities, its queue's cap and the free slots
/// (<see cref="SlotBoard"/>: backend type, one GPU's unreserved VRAM, warm-model affinity). Cost is
/// O(streams · log n) for jobs without requirements, bounded by the scan limit otherwise.
/// When the first job has a batch key, the rest of the lease is filled only with jobs of that batch.
/// Warm preference: a slot about to take a job it is cold for first looks (by <c>ready_models</c>) for a job of the
/// same priority warm on it that became ready at most the affinity wait after that job, and takes it instead.
/// Holds for warm slots elsewhere are <see cref="AffinityRule"/>'s: every placement tells it what it passed over, and
/// the lease's end writes the offers it made (<c>offered_at</c>) in the same transaction.
/// </summary>
internal static class LeaseSelector
{
    private const int PageSize = 16;

    // Built once: every lease runs these, and the commands cache is keyed by their text.
    private static readonly string BatchMates =
        $"SELECT seq, type, priority, queued_at, requirements, batch_key, affinity, offered_at FROM jobs WHERE {StateSql.IsQueued} AND batch_key = $1 AND queue = $2 AND seq <> $3 ORDER BY seq LIMIT $4";
    private static readonly string ReadyPage =
        $"""
        SELECT seq, priority, queued_at, requirements, batch_key, affinity, offered_at FROM jobs
        WHERE {StateSql.IsQueued} AND queue = $1 AND type = $2 AND (priority < $3 OR (priority = $3 AND seq > $4))
        ORDER BY priority DESC, seq LIMIT $5
        """;
    private const string WarmPage =
        """
        SELECT j.seq, j.queued_at, j.requirements, j.batch_key, j.affinity, j.offered_at FROM ready_models r JOIN jobs j ON j.seq = r.seq
        WHERE r.model = $1 AND r.queue = $2 AND r.type = $3 AND r.priority = $4 AND r.seq > $5
        ORDER BY r.seq LIMIT $6
        """;
    private static readonly string ReservedOnGpu = $"SELECT COALESCE(SUM(reserved_vram_mb), 0) FROM jobs WHERE gpu = $1 AND {StateSql.IsRunning}";

    public static List<Placement> Select(Commands sql, LeaseRequest request, FairShare share, int scanLimit, DateTimeOffset now)
    {
        var board = new SlotBoard(request, gpu => (long)sql.Scalar(ReservedOnGpu, gpu)!);
        var affinity = new AffinityRule(request, now);
        var chosen = new List<Placement>(board.Count);
        var taken = new HashSet<long>();
        var heads = new PriorityQueue<Stream, (long NegPriority, long Pass, long Load, long Seq)>();
        foreach (var queue in share.Queues)
        {
            foreach (var type in request.Types)
            {
                var stream = new Stream(queue, type);
                if (stream.Advance(sql)) heads.Enqueue(stream, stream.Key(share));
            }
        }

        var scanned = 0;
        string? batchQueue = null;
        while (board.Free > 0 && scanned < scanLimit && heads.TryDequeue(out var stream, out var order))
        {
            if (!share.HasRoom(stream.Queue)) continue; // its queue reached max_running: the stream leaves the merge
            if (stream.Key(share) is var current && current != order)
            {
                heads.Enqueue(stream, current); // its queue was served meanwhile: its pass moved on
                continue;
            }
            scanned++;
            var candidate = stream.Current;
            if (!taken.Contains(candidate.Seq) && candidate.Requirements.IsMetByWorker(request.Capabilities))
            {
                var options = board.Options(candidate, affinity);
                if (affinity.IsOn && options.Count > 0)
                {
                    scanned += PreferWarm(sql, request, share, board, affinity, candidate, options, chosen, taken);
                    if (BatchStarted(chosen)) batchQueue = chosen[0].Candidate.Queue;
                    options = batchQueue is null ? board.Options(candidate, affinity) : [];
                }
                if (options.Count > 0 && share.HasRoom(candidate.Queue))
                {
                    Place(board.Take(candidate, board.Best(candidate, options)), chosen, taken, share, affinity);
                    if (BatchStarted(chosen)) batchQueue = candidate.Queue;
                }
                if (batchQueue is not null) break;
            }
            if (stream.Advance(sql)) heads.Enqueue(stream, stream.Key(share));
        }

        if (batchQueue is not null && board.Free > 0) AddBatchMates(sql, request, share, board, affinity, chosen, taken, batchQueue, scanLimit);
        affinity.Finish(sql, board.Free, taken);
        return chosen;
    }

    private static bool BatchStarted(List<Placement> chosen) => chosen.Count == 1 && chosen[0].Candidate.BatchKey is not null;

    private static void Place(Placement placement, List<Placement> chosen, HashSet<long> taken, FairShare share, AffinityRule affinity)
    {
        affinity.Placed(placement.Candidate, placement.Warm == true);
        chosen.Add(placement);
        taken.Add(placement.Candidate.Seq);
        share.Charge(placement.Candidate.Queue);
    }

    /// <summary>
    /// Each of <paramref name="options"/> that is cold for <paramref name="first"/> but has models warm takes instead
    /// the oldest job of the same priority warm on it, if that one became ready at most the affinity wait after
    /// <paramref name="first"/> (so warm preference never holds a job up by more than that) and fits. Returns the
    /// candidates looked at.
    /// </summary>
    private static int PreferWarm(
        Commands sql, LeaseRequest request, FairShare share, SlotBoard board, AffinityRule affinity,
        LeaseCandidate first, List<int> options, List<Placement> chosen, HashSet<long> taken)
    {
        var looked = 0;
        foreach (var slot in options)
        {
            if (!board.IsFree(slot) || board.WarmModels(slot).Count == 0 || board.IsWarm(first, slot)) continue;
            foreach (var warm in WarmCandidates(sql, request, share, board, slot, first))
            {
                looked++;
                if (taken.Contains(warm.Seq) || warm.QueuedAtMs > first.QueuedAtMs + affinity.WaitMs) continue;
                if (!share.HasRoom(warm.Queue) || !warm.Requirements.IsMetByWorker(request.Capabilities) || !board.Fits(warm, slot)) continue;
                Place(board.Take(warm, slot), chosen, taken, share, affinity);
                if (BatchStarted(chosen)) return looked;
                break;
            }
        }
        return looked;
    }

    /// <summary>Ready jobs after <paramref name="first"/> at its priority with a model warm on the slot, oldest first
    /// (a page per model, queue and type).</summary>
    private static IEnumerable<LeaseCandidate> WarmCandidates(
        Commands sql, LeaseRequest request, FairShare share, SlotBoard board, int slot, LeaseCandidate first)
    {
        var found = new SortedDictionary<long, LeaseCandidate>();
        var slotType = board.TypeOf(slot);
        foreach (var model in board.WarmModels(slot))
        {
            foreach (var queue in share.Queues)
            {
                foreach (var type in request.Types)
                {
                    if (slotType is not null && !string.Equals(slotType, type, StringComparison.Ordinal)) continue;
                    using var reader = sql.Query(WarmPage, model, queue, type, first.Priority, first.Seq, PageSize);
                    while (reader.Read())
                    {
                        var seq = reader.GetInt64(0);
                        if (found.ContainsKey(seq)) continue;
                        found[seq] = new LeaseCandidate(seq, queue, type, first.Priority, reader.IsDBNull(1) ? 0 : reader.GetInt64(1),
                            reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt64(5));
                    }
                }
            }
        }
        return found.Values;
    }

    /// <summary>Jobs of the same batch (same queue) join the first one, in submit order, each on a slot it fits.</summary>
    private static void AddBatchMates(
        Commands sql, LeaseRequest request, FairShare share, SlotBoard board, AffinityRule affinity, List<Placement> chosen,
        HashSet<long> taken, string queue, int scanLimit)
    {
        var first = chosen[0].Candidate;
        using var reader = sql.Query(BatchMates, first.BatchKey, queue, first.Seq, scanLimit);
        while (board.Free > 0 && share.HasRoom(queue) && reader.Read())
        {
            var mate = new LeaseCandidate(reader.GetInt64(0), queue, reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? 0 : reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetInt64(7));
            if (taken.Contains(mate.Seq) || !request.Types.Contains(mate.Type, StringComparer.Ordinal)
                || !mate.Requirements.IsMetByWorker(request.Capabilities)) continue;
            var options = board.Options(mate, affinity);
            if (options.Count > 0) Place(board.Take(mate, board.Best(mate, options)), chosen, taken, share, affinity);
        }
    }

    /// <summary>Ready jobs of one queue and type, in lease order, fetched a page at a time.</summary>
    private sealed class Stream(string queue, string type)
    {
        public string Queue => queue;

        private readonly Queue<LeaseCandidate> _buffer = new();
        private long _afterPriority = long.MaxValue;
        private long _afterSeq = long.MinValue;
        private bool _exhausted;

        public LeaseCandidate Current { get; private set; } = null!;

        public (long, long, long, long) Key(FairShare share) => share.Order(queue, Current.Priority, Current.Seq);

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
                var candidate = new LeaseCandidate(reader.GetInt64(0), queue, type, reader.GetInt64(1), reader.IsDBNull(2) ? 0 : reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetInt64(6));
                _buffer.Enqueue(candidate);
                (_afterPriority, _afterSeq) = (candidate.Priority, candidate.Seq);
            }
            _exhausted = read < PageSize;
        }
    }
}
