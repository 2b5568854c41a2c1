namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Stride scheduling between queues, read and changed inside the lease transaction. Each queue has a pass; leasing one
/// of its jobs moves the pass on by <see cref="Stride1"/> / weight, and within a priority level the queue with the
/// lowest pass goes first, so queues with ready jobs share leases in proportion to their weights. Ties go to the queue
/// with fewer running jobs for its weight, then to submit order: a queue back from idle ties with one that has been
/// leasing alone (neither pass moves while a queue has no rival), and should get the next free worker, not the one after.
/// A queue coming back from idle starts at the virtual time (the pass of the last queue served) rather than at its old
/// pass, so it cannot bank credit. Only a lease with a choice between queues changes the state: a worker leasing from
/// a single queue reads one query, as it always did. <c>max_running</c> caps are checked here too.
/// </summary>
internal sealed class FairShare
{
    /// <summary>What a lease adds to the pass of a queue of weight 1; weight w adds Stride1 / w.</summary>
    public const long Stride1 = 1_000_000;

    private const string LeasableQueues = "SELECT name, weight, pass, max_running - running, running FROM queues WHERE paused = 0 AND queued > 0";
    private const string ReadVirtualTime = "SELECT virtual_time FROM fair_share WHERE id = 1";
    private const string WritePass = "UPDATE queues SET pass = $2 WHERE name = $1";
    private const string WriteVirtualTime = "UPDATE fair_share SET virtual_time = $1 WHERE id = 1";

    private readonly Dictionary<string, Share> _shares;
    private readonly bool _competing;
    private long _virtualTime;
    private bool _charged;

    private FairShare(Dictionary<string, Share> shares, bool competing, long virtualTime)
    {
        _shares = shares;
        _competing = competing;
        _virtualTime = virtualTime;
        Queues = [.. shares.Keys];
    }

    /// <summary>Queues a lease may take from: the ones asked for (or all), not paused, with jobs waiting, under their cap.</summary>
    public IReadOnlyList<string> Queues { get; }

    public static FairShare Load(Commands sql, IReadOnlyCollection<string> wanted)
    {
        var shares = new Dictionary<string, Share>(StringComparer.Ordinal);
        using (var reader = sql.Query(LeasableQueues))
        {
            while (reader.Read())
            {
                var name = reader.GetString(0);
                long? room = reader.IsDBNull(3) ? null : reader.GetInt64(3);
                if (room <= 0 || (wanted.Count > 0 && !wanted.Contains(name, StringComparer.Ordinal))) continue;
                shares[name] = new Share(Math.Max(1, reader.GetInt64(1)), reader.GetInt64(2), room, reader.GetInt64(4));
            }
        }
        var competing = shares.Count > 1;
        return new FairShare(shares, competing, competing ? (long)sql.Scalar(ReadVirtualTime)! : 0);
    }

    /// <summary>The merge order of ready jobs: priority first, then the queue's pass, then its running jobs per weight
    /// (scaled like the pass), then submit order.</summary>
    public (long NegPriority, long Pass, long Load, long Seq) Order(string queue, long priority, long seq)
    {
        if (!_competing) return (-priority, 0, 0, seq);
        var share = _shares[queue];
        return (-priority, Math.Max(share.Pass, _virtualTime), share.Running * Stride1 / share.Weight, seq);
    }

    /// <summary>False once the queue's running jobs (with those taken by this lease) reach its <c>max_running</c>.</summary>
    public bool HasRoom(string queue) => _shares[queue].Room is not <= 0;

    /// <summary>Counts a job of <paramref name="queue"/> taken by this lease.</summary>
    public void Charge(string queue)
    {
        var share = _shares[queue];
        if (share.Room is { } room) share.Room = room - 1;
        share.Running++;
        if (!_competing) return;
        var start = Math.Max(share.Pass, _virtualTime);
        _virtualTime = start;
        share.Pass = start + Stride1 / share.Weight;
        share.Charged = _charged = true;
    }

    /// <summary>Writes the passes and the virtual time this lease moved, in its transaction.</summary>
    public void Save(Commands sql)
    {
        if (!_charged) return;
        foreach (var (name, share) in _shares)
        {
            if (share.Charged) sql.Execute(WritePass, name, share.Pass);
        }
        sql.Execute(WriteVirtualTime, _virtualTime);
    }

    private sealed class Share(long weight, long pass, long? room, long running)
    {
        public long Running { get; set; } = running;
        public long Weight { get; } = weight;
        public long Pass { get; set; } = pass;
        public long? Room { get; set; } = room;
        public bool Charged { get; set; }
    }
}
