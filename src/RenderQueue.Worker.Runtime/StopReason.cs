namespace RenderQueue.Worker.Runtime;

/// <summary>Why the agent stopped a running job, which decides what it reports.</summary>
internal enum StopReason
{
    /// <summary>Not stopped by the agent.</summary>
    None,
    /// <summary>A renew answered <c>cancel_requested</c>: report <c>fail</c> with class <c>canceled</c>.</summary>
    CancelRequested,
    /// <summary>A call answered 409 (or 404): another attempt owns the job now; report nothing.</summary>
    LeaseLost,
    /// <summary>The worker is shutting down and the grace period ran out: <c>release</c> the job so it is queued again at once.</summary>
    Draining,
}
