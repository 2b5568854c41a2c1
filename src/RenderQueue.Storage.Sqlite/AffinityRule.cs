using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Warm-model affinity for one lease (mirrored by lease.lua): a job with affinity models is held back from a slot
/// that has none of them loaded while some healthy worker of the fleet has one of them warm, until the affinity wait
/// has passed since a cold slot was first offered it (its <c>offered_at</c>). Off when the wait is zero.
/// <para>A held job is offered to this lease — its hold starts, stamped once per stint in queued — when the lease
/// passes it over for a job warm-first could not have preferred to it (one placed on a cold slot, one of a lower
/// priority, or one that became ready more than the wait after it), or when it is among the first held jobs of a
/// lease that leaves slots free. A warm slot passing it for its own warm job of the same priority does not start
/// it: that slot never wanted the job. So a hold runs out only for jobs a cold slot actually wanted, not for a whole
/// backlog that became ready together.</para>
/// </summary>
internal sealed class AffinityRule(LeaseRequest request, DateTimeOffset now)
{
    private const string Stamp = "UPDATE jobs SET offered_at = $2 WHERE seq = $1 AND offered_at IS NULL";

    private readonly long _waitMs = (long)request.AffinityWait.TotalMilliseconds;
    private readonly long _nowMs = now.ToUnixTimeMilliseconds();
    private readonly HashSet<string>? _fleet = request.FleetWarmModels is { } fleet
        ? new HashSet<string>(fleet.Select(Core.Jobs.JobAffinity.Fold), StringComparer.Ordinal)
        : null;

    // Held jobs without a stamp that this lease passed, in lease order; and those it stamped.
    private readonly List<LeaseCandidate> _passed = [];
    private readonly HashSet<long> _seen = [];
    private readonly List<long> _stamped = [];

    public bool IsOn => _waitMs > 0;

    /// <summary>How much later than another job a warm job may have become ready and still go before it.</summary>
    public long WaitMs => _waitMs;

    /// <summary>Whether <paramref name="candidate"/> is held back from a slot that is cold for it. A held job already
    /// offered notes when its hold ends; one not yet offered is remembered, for <see cref="Placed"/> and
    /// <see cref="Finish"/> to decide whether this lease offers it.</summary>
    public bool Holds(LeaseCandidate candidate)
    {
        if (!IsOn || !candidate.HasModels) return false;
        if (candidate.OfferedAtMs is { } offered && offered + _waitMs <= _nowMs) return false;
        if (_fleet is not null && !candidate.Models.Any(_fleet.Contains)) return false;
        if (candidate.OfferedAtMs is { } since) request.Deferral?.Note(DateTimeOffset.FromUnixTimeMilliseconds(since + _waitMs));
        else if (_seen.Add(candidate.Seq)) _passed.Add(candidate);
        return true;
    }

    /// <summary><paramref name="job"/> was placed (on a slot warm for it or not): the held jobs it passed over start
    /// their hold unless warm-first could have preferred it to them.</summary>
    public void Placed(LeaseCandidate job, bool warm)
    {
        if (_passed.Count == 0) return;
        _passed.RemoveAll(held => held.Seq == job.Seq);
        for (var i = 0; i < _passed.Count; i++)
        {
            var held = _passed[i];
            if (warm && job.Priority >= held.Priority && job.QueuedAtMs <= held.QueuedAtMs + _waitMs) continue;
            Offer(held);
            _passed.RemoveAt(i--);
        }
    }

    /// <summary>Ends the lease: the first <paramref name="freeSlots"/> held jobs still passed (what its idle slots
    /// wanted) start their hold, and every stamp not on a job the lease took is written.</summary>
    public void Finish(Commands sql, int freeSlots, HashSet<long> taken)
    {
        foreach (var held in _passed.Where(held => !taken.Contains(held.Seq)).Take(freeSlots)) Offer(held);
        foreach (var seq in _stamped)
        {
            if (!taken.Contains(seq)) sql.Execute(Stamp, seq, _nowMs);
        }
    }

    private void Offer(LeaseCandidate held)
    {
        held.OfferedAtMs = _nowMs;
        _stamped.Add(held.Seq);
        request.Deferral?.Note(DateTimeOffset.FromUnixTimeMilliseconds(_nowMs + _waitMs));
    }
}
