using System.Globalization;
using RenderQueue.Core.Workers;

namespace RenderQueue.Core.Jobs;

/// <summary>
/// The rules of an <c>oom</c> retry: the job needs a GPU with more total VRAM than the one it ran out of memory on
/// (<see cref="JobRequirements.VramAboveMb"/>). While no online worker that could run it has one, it waits
/// <see cref="JobState.Scheduled"/> with a <see cref="Job.WaitReason"/>; the store queues it when such a worker
/// registers or heartbeats, and fails it with class <c>oom</c> when the wait runs out. Both stores follow these words.
/// </summary>
public static class LargerGpu
{
    /// <summary>The job's <see cref="Job.WaitReason"/> while it waits, e.g. "waiting for a GPU with more than 24,564 MB".</summary>
    public static string WaitReason(long vramAboveMb) =>
        string.Create(CultureInfo.InvariantCulture, $"waiting for a GPU with more than {vramAboveMb:N0} MB");

    /// <summary>The reason on the event of a job a larger GPU released.</summary>
    public static string FoundReason(long vramAboveMb, string workerId) =>
        string.Create(CultureInfo.InvariantCulture, $"worker '{workerId}' has a GPU with more than {vramAboveMb:N0} MB");

    /// <summary>The error message of a job whose wait ran out.</summary>
    public static string GaveUpMessage(string waitReason) => waitReason + "; none came online in time";

    /// <summary>The size the retry must exceed, when this failure is an <c>oom</c> on a GPU the store knows: the
    /// attempt's GPU (or the job's assigned one), never below what the job already needed.</summary>
    public static long? ThresholdAfter(Job job, JobFailure failure)
    {
        if (failure.Error.Class != ErrorClasses.OutOfMemory) return null;
        var gpu = job.Attempts.LastOrDefault(a => a.Number == job.Attempt)?.Gpu ?? job.AssignedGpu;
        return gpu is null ? null : Math.Max(gpu.VramTotalMb, job.Requirements.VramAboveMb ?? 0);
    }

    /// <summary>True while the job waits for a larger GPU (scheduled, with a reason and a size to exceed).</summary>
    public static bool IsWaiting(Job job) =>
        job.State == JobState.Scheduled && job.WaitReason is not null && job.Requirements.VramAboveMb is not null;

    /// <summary>The size a waiting job needs exceeded; null when it is not waiting (what stores index).</summary>
    public static long? WaitingAbove(Job job) => IsWaiting(job) ? job.Requirements.VramAboveMb : null;

    /// <summary>
    /// Whether <paramref name="worker"/> could take <paramref name="job"/> on a GPU larger than
    /// <paramref name="vramAboveMb"/>: it is not draining, serves the job's queue and type, has its labels and models,
    /// and has such a GPU. Whether it is online is the caller's question (the store's clock and time-to-live).
    /// </summary>
    public static bool CanTake(WorkerInfo worker, Job job, long vramAboveMb)
    {
        var registration = worker.Registration;
        if (worker.Draining || worker.DrainRequested || !registration.Serves(job.Queue, job.Type)) return false;
        if (!registration.Gpus.Any(g => g.VramTotalMb > vramAboveMb)) return false;
        var capabilities = new WorkerCapabilities(registration.Labels, registration.Models, null);
        return (job.Requirements.Labels ?? []).All(capabilities.HasLabel) && (job.Requirements.Models ?? []).All(capabilities.HasModel);
    }
}
