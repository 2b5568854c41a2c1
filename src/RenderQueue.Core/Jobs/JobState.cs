namespace RenderQueue.Core.Jobs;

/// <summary>Where a job is in its life. Serialized in snake_case (<c>queued</c>, <c>running</c>, …).</summary>
public enum JobState
{
    /// <summary>Waiting for its <c>run_at</c> or a retry backoff to pass.</summary>
    Scheduled,
    /// <summary>Ready to be leased by a worker.</summary>
    Queued,
    /// <summary>Leased by a worker that keeps renewing the lease.</summary>
    Running,
    /// <summary>Completed by a worker.</summary>
    Succeeded,
    /// <summary>Attempts exhausted or not retryable: the dead-letter set.</summary>
    Failed,
    /// <summary>Canceled by a person or a client.</summary>
    Canceled,
}

/// <summary>Facts about states that every store and the API agree on.</summary>
public static class JobStates
{
    /// <summary>All states, in life order.</summary>
    public static IReadOnlyList<JobState> All { get; } = Enum.GetValues<JobState>();

    /// <summary>A finished job has no worker and will not run again unless retried or flagged.</summary>
    public static bool IsFinished(this JobState state) =>
        state is JobState.Succeeded or JobState.Failed or JobState.Canceled;

    /// <summary>A pending job has not started its current attempt yet.</summary>
    public static bool IsPending(this JobState state) => state is JobState.Scheduled or JobState.Queued;

    /// <summary>The snake_case name used on the wire and in stores.</summary>
    public static string ToWire(this JobState state) => state switch
    {
        JobState.Scheduled => "scheduled",
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Parses a wire name; false for anything else.</summary>
    public static bool TryParse(string? text, out JobState state)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToWire(), text, StringComparison.Ordinal))
            {
                state = candidate;
                return true;
            }
        }
        state = default;
        return false;
    }
}
