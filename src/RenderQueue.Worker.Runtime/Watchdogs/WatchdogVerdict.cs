namespace RenderQueue.Worker.Runtime.Watchdogs;

/// <summary>Why a watchdog stopped a run, if it did.</summary>
public enum WatchdogVerdict
{
    /// <summary>The watchdog did not interfere.</summary>
    None,
    /// <summary>The run went past the job's <c>timeout</c>: class <c>timeout</c>, not retried.</summary>
    TimedOut,
    /// <summary>The run reported no progress for the stall timeout: class <c>stalled</c>, retried.</summary>
    Stalled,
}
