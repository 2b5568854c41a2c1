namespace RenderQueue.Core.Jobs;

/// <summary>The outcome of one transition: the job after it, the state it left, and the event it produces.</summary>
/// <param name="Job">The job after the transition, to be persisted.</param>
/// <param name="PreviousState">The state before; null for a submit.</param>
/// <param name="EventType">A <see cref="JobEventTypes"/> value, or null when nothing worth an event happened.</param>
/// <param name="Reason">Why, when a person or the system gave a reason.</param>
public sealed record JobChange(Job Job, JobState? PreviousState, string? EventType, string? Reason = null)
{
    /// <summary>True when the job became leasable (stores signal parked workers).</summary>
    public bool MadeReady => Job.State == JobState.Queued && PreviousState != JobState.Queued;
}

/// <summary>How a worker reports a failed attempt.</summary>
/// <param name="Error">What went wrong.</param>
/// <param name="Retryable">False for failures that can never succeed (e.g. invalid input).</param>
public sealed record JobFailure(JobError Error, bool Retryable = true);
