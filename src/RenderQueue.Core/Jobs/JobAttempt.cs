namespace RenderQueue.Core.Jobs;

/// <summary>One run of a job by one worker: the history shown with the job.</summary>
/// <param name="Number">The attempt number, which is also the lease's fencing token.</param>
/// <param name="WorkerId">The worker that leased it.</param>
/// <param name="StartedAt">When it was leased.</param>
/// <param name="EndedAt">When it ended; null while running.</param>
/// <param name="Outcome">How it ended: a <see cref="JobState"/> wire name, or <c>requeued</c>; null while running.</param>
/// <param name="Error">The error, when it failed.</param>
public sealed record JobAttempt(
    int Number,
    string WorkerId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt = null,
    string? Outcome = null,
    JobError? Error = null);
