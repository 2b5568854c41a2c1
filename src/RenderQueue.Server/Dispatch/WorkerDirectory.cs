using System.Collections.Concurrent;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;

namespace RenderQueue.Server.Dispatch;

/// <summary>
/// The registry's view of each worker, kept in memory so a lease does not read the registry: refreshed by every
/// register, heartbeat and drain this server handles, and loaded from the store for a worker it has not seen.
/// </summary>
internal sealed class WorkerDirectory(IJobStore store)
{
    private readonly ConcurrentDictionary<string, WorkerInfo> _workers = new(StringComparer.Ordinal);

    public WorkerInfo Remember(WorkerInfo worker) => _workers[worker.Id] = worker;

    /// <summary>The worker, or <see cref="WorkerNotFoundException"/> when it never registered (or was forgotten).</summary>
    public async Task<WorkerInfo> GetAsync(string workerId, CancellationToken cancellationToken)
    {
        if (_workers.TryGetValue(workerId, out var known)) return known;
        var workers = await store.ListWorkersAsync(cancellationToken);
        var found = workers.FirstOrDefault(w => string.Equals(w.Id, workerId, StringComparison.Ordinal))
            ?? throw new WorkerNotFoundException(workerId);
        return Remember(found);
    }

    /// <summary>A heartbeat found the worker unknown to the store: stop trusting the cached entry.</summary>
    public void Forget(string workerId) => _workers.TryRemove(workerId, out _);
}
