using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Warm-model affinity for one lease (mirrored by lease.lua): a job with affinity models is held back from a slot
/// that has none of them loaded while it has been ready for less than the affinity wait and some healthy worker of
/// the fleet has one of them warm. Off when the wait is zero.
/// </summary>
internal sealed class AffinityRule(LeaseRequest request, DateTimeOffset now)
{
    private readonly long _waitMs = (long)request.AffinityWait.TotalMilliseconds;
    private readonly long _nowMs = now.ToUnixTimeMilliseconds();
    private readonly HashSet<string>? _fleet = request.FleetWarmModels is { } fleet
        ? new HashSet<string>(fleet.Select(Core.Jobs.JobAffinity.Fold), StringComparer.Ordinal)
        : null;

    public bool IsOn => _waitMs > 0;

    /// <summary>How much later than another job a warm job may have become ready and still go before it.</summary>
    public long WaitMs => _waitMs;

    /// <summary>Whether <paramref name="candidate"/> is held back from a slot that is cold for it; when it is, notes when
    /// the hold ends.</summary>
    public bool Holds(LeaseCandidate candidate)
    {
        if (!IsOn || !candidate.HasModels) return false;
        var until = candidate.QueuedAtMs + _waitMs;
        if (until <= _nowMs) return false;
        if (_fleet is not null && !candidate.Models.Any(_fleet.Contains)) return false;
        request.Deferral?.Note(DateTimeOffset.FromUnixTimeMilliseconds(until));
        return true;
    }
}
