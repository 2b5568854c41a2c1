namespace RenderQueue.Core.Jobs;

/// <summary>One entry of the store's change feed: a state change or a progress step.</summary>
public sealed record JobEvent
{
    /// <summary>Position in the feed; increases by one store-wide. Assigned by the store.</summary>
    public long Sequence { get; init; }

    /// <summary>A <see cref="JobEventTypes"/> value.</summary>
    public required string Type { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string JobId { get; init; }
    public required string Queue { get; init; }
    public required string JobType { get; init; }
    public required JobState State { get; init; }
    public int Attempt { get; init; }
    public int Priority { get; init; }
    public JobProgress? Progress { get; init; }
    public JobError? Error { get; init; }
    public string? WorkerId { get; init; }
    public string? Reason { get; init; }

    /// <summary>The event a change produces, or null when it produces none.</summary>
    public static JobEvent? From(JobChange change) => change.EventType is null ? null : new JobEvent
    {
        Type = change.EventType,
        At = change.Job.UpdatedAt,
        JobId = change.Job.Id,
        Queue = change.Job.Queue,
        JobType = change.Job.Type,
        State = change.Job.State,
        Attempt = change.Job.Attempt,
        Priority = change.Job.Priority,
        Progress = change.Job.Progress,
        Error = change.Job.State == JobState.Failed || change.Job.State.IsPending() ? change.Job.Error : null,
        WorkerId = change.Job.WorkerId ?? change.Job.Attempts.LastOrDefault()?.WorkerId,
        Reason = change.Reason,
    };
}

/// <summary>Names of job events, as sent on the events WebSocket and to webhooks.</summary>
public static class JobEventTypes
{
    public const string Submitted = "job.submitted";
    public const string Queued = "job.queued";
    public const string Started = "job.started";
    public const string Progress = "job.progress";
    public const string ArtifactAdded = "job.artifact_added";
    public const string Succeeded = "job.succeeded";
    public const string Failed = "job.failed";
    /// <summary>An attempt failed and the job waits to run again.</summary>
    public const string Retrying = "job.retrying";
    /// <summary>A lease expired or was released; the job is queued again.</summary>
    public const string Requeued = "job.requeued";
    public const string CancelRequested = "job.cancel_requested";
    public const string Canceled = "job.canceled";
    /// <summary>A person retried a failed or canceled job.</summary>
    public const string Retried = "job.retried";
    /// <summary>A finished job was sent back for re-render.</summary>
    public const string Flagged = "job.flagged";
    public const string PriorityChanged = "job.priority_changed";
    public const string Collected = "job.collected";
}
