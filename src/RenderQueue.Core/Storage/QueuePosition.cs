using RenderQueue.Core.Workers;

namespace RenderQueue.Core.Storage;

/// <summary>A queued job's place and expected wait.</summary>
/// <param name="Position">1 = next to be leased among jobs of its queue and type (exact up to the store's
/// count limit, which it then reports).</param>
/// <param name="Eta">Expected wait: jobs ahead spread over the online workers of its type, times the measured
/// mean duration of its queue and type; null until a duration has been measured.</param>
public sealed record QueuePosition(int Position, TimeSpan? Eta)
{
    /// <summary>The position with its ETA: <c>ceil(position / slots) × mean duration</c>, where slots are the
    /// concurrency of the online workers serving this queue and type (at least one).</summary>
    public static QueuePosition Estimate(int position, double? meanDurationMs, IEnumerable<WorkerInfo> workers, string queue, string type)
    {
        if (meanDurationMs is not { } mean) return new QueuePosition(position, null);
        var slots = workers.Where(w => w.Status == WorkerStatus.Online && w.Registration.Serves(queue, type))
                           .Sum(w => Math.Max(1, w.Registration.Concurrency));
        return new QueuePosition(position, TimeSpan.FromMilliseconds(Math.Ceiling(position / (double)Math.Max(1, slots)) * mean));
    }
}
