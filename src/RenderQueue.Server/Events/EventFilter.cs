using RenderQueue.Core.Jobs;

namespace RenderQueue.Server.Events;

/// <summary>Which events a socket wants: those of one job, of one queue, or all.</summary>
internal sealed record EventFilter(string? JobId, string? Queue)
{
    public bool Matches(JobEvent e) =>
        (JobId is null || string.Equals(e.JobId, JobId, StringComparison.Ordinal)) &&
        (Queue is null || string.Equals(e.Queue, Queue, StringComparison.Ordinal));
}
