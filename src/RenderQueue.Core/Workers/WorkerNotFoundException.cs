using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Workers;

/// <summary>No worker has this id; a worker that gets this registers again.</summary>
public sealed class WorkerNotFoundException(string workerId)
    : JobStoreException($"Worker '{workerId}' is not registered.")
{
    public string WorkerId { get; } = workerId;
}
