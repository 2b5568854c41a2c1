using RenderQueue.Core.Jobs;
using RenderQueue.Processes;

namespace RenderQueue.Faults.Tests.Harness;

/// <summary>Conditions the cases wait for, polled against the server and the ledger.</summary>
internal static class Waits
{
    public static TimeSpan Generous { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Until <paramref name="worker"/>'s process has started an execution of <paramref name="jobId"/>.</summary>
    public static Task StartedOnAsync(this FaultBed bed, string jobId, WorkerProcess worker) => Poll.UntilAsync(
        () => bed.Ledger().Any(e => e.JobId == jobId && e.ProcessId == worker.Id), $"job {jobId} to start on worker pid {worker.Id}", Generous, bed.Logs);

    /// <summary>Until the job satisfies <paramref name="condition"/>; returns it.</summary>
    public static async Task<Job> JobAsync(this FaultBed bed, string jobId, Func<Job, bool> condition, string what, TimeSpan? limit = null)
    {
        Job job = null!;
        await Poll.UntilAsync(async () => condition(job = await bed.Client.GetJobAsync(jobId)), $"job {jobId} {what}", limit ?? Generous, bed.Logs);
        return job;
    }

    public static Task<Job> FinishedAsync(this FaultBed bed, string jobId, TimeSpan? limit = null) =>
        bed.JobAsync(jobId, j => j.State.IsFinished(), "to finish", limit);
}
