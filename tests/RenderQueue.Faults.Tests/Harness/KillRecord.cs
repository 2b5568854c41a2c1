using RenderQueue.Core.Jobs;

namespace RenderQueue.Faults.Tests.Harness;

/// <summary>A worker killed at <see cref="At"/> (test clock = the server's: one machine).</summary>
internal sealed record KillRecord(string WorkerId, int ProcessId, DateTimeOffset At)
{
    /// <summary>
    /// For every attempt the server saw the killed workers hold and end by lease expiry (the orphans): how long after
    /// its worker's kill the job was leased again.
    /// </summary>
    public static List<TimeSpan> Reoffers(IEnumerable<KillRecord> kills, IEnumerable<Job> jobs)
    {
        var killedAt = kills.ToDictionary(k => k.WorkerId, k => k.At, StringComparer.Ordinal);
        var reoffers = new List<TimeSpan>();
        foreach (var job in jobs)
        {
            for (var i = 0; i < job.Attempts.Count - 1; i++)
            {
                var attempt = job.Attempts[i];
                if (killedAt.TryGetValue(attempt.WorkerId, out var at) && attempt.Outcome == "requeued")
                    reoffers.Add(job.Attempts[i + 1].StartedAt - at);
            }
        }
        return reoffers;
    }
}
