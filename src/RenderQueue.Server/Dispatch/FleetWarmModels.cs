using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;

namespace RenderQueue.Server.Dispatch;

/// <summary>
/// The models loaded in a ready backend of some online worker (heartbeat within the time-to-live, not draining, not
/// unhealthy), derived from the <see cref="FleetSnapshot"/> once per read of it and shared by every lease on this
/// server. A lease holds a job back from a cold slot only while one of its models is in this set, so a job nobody has
/// warm never waits.
/// </summary>
internal sealed class FleetWarmModels(FleetSnapshot fleet)
{
    private volatile Derived? _last;

    public async Task<IReadOnlyCollection<string>> GetAsync(CancellationToken cancellationToken)
    {
        var workers = await fleet.GetAsync(cancellationToken);
        if (_last is { } last && ReferenceEquals(last.From, workers)) return last.Models;
        var models = Of(workers);
        _last = new Derived(workers, models);
        return models;
    }

    /// <summary>The folded models warm in the ready backends of <paramref name="workers"/> that are online.</summary>
    public static HashSet<string> Of(IEnumerable<WorkerInfo> workers) =>
    [
        .. workers
            .Where(w => w.Status == WorkerStatus.Online)
            .SelectMany(w => w.Registration.Backends)
            .Where(b => b.State == BackendState.Ready)
            .SelectMany(b => b.LoadedModels ?? [])
            .Select(JobAffinity.Fold),
    ];

    private sealed record Derived(IReadOnlyList<WorkerInfo> From, HashSet<string> Models);
}
