namespace RenderQueue.Core.Jobs;

/// <summary>One run of a job by one worker: the history shown with the job.</summary>
/// <param name="Number">The attempt number, which is also the lease's fencing token.</param>
/// <param name="WorkerId">The worker that leased it.</param>
/// <param name="StartedAt">When it was leased.</param>
/// <param name="EndedAt">When it ended; null while running.</param>
/// <param name="Outcome">How it ended: a <see cref="JobState"/> wire name, or <c>requeued</c>; null while running.</param>
/// <param name="Error">The error, when it failed.</param>
/// <param name="Gpu">The GPU the attempt was placed on, when the worker named one.</param>
/// <param name="Warm">Whether one of the job's models was already loaded on that slot's backend when leased.</param>
public sealed record JobAttempt(
    int Number,
    string WorkerId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt = null,
    string? Outcome = null,
    JobError? Error = null,
    AssignedGpu? Gpu = null,
    bool? Warm = null);

/// <summary>The GPU a leased job was placed on: the worker runs it there (e.g. <c>CUDA_VISIBLE_DEVICES</c>).</summary>
/// <param name="Index">Its <c>nvidia-smi</c> index on the worker.</param>
/// <param name="Name">Its model name, e.g. <c>NVIDIA GeForce RTX 4090</c>.</param>
/// <param name="VramTotalMb">Its total VRAM in MiB: what an <c>oom</c> retry must exceed.</param>
/// <param name="Uuid">Its <c>nvidia-smi</c> UUID when known: "the same GPU" across workers sharing a machine.</param>
public sealed record AssignedGpu(int Index, string? Name, long VramTotalMb, string? Uuid = null);
