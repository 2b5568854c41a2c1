using System.Diagnostics;

namespace RenderQueue.Core.Jobs;

/// <summary>
/// A job's W3C trace context (<see cref="Job.TraceParent"/>, <see cref="Job.TraceState"/>) as an
/// <see cref="ActivityContext"/>, so the spans of its lease, run, completion and webhooks continue the trace of its
/// submit, on whichever machine and after whichever restart they happen.
/// </summary>
public static class JobTraceContext
{
    /// <summary>The stored context as a remote parent; <c>default</c> (a new trace) when there is none or it does not parse.</summary>
    public static ActivityContext Parse(string? traceParent, string? traceState) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;

    /// <summary>The context of a job, see <see cref="Parse"/>.</summary>
    public static ActivityContext Of(Job job) => Parse(job.TraceParent, job.TraceState);
}
