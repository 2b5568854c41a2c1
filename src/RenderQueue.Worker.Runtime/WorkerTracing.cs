using System.Diagnostics;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Worker.Runtime;

/// <summary>
/// The worker's spans: one per attempt, parented to the trace context stored on the job (so the run joins the trace of
/// the submit, whichever server node or restart lies between), and the runners' steps as its children. Only the
/// <see cref="ActivitySource"/> is used here; the worker program decides at its hosting edge whether anything listens.
/// </summary>
public static class WorkerTracing
{
    public const string SourceName = "RenderQueue.Worker";

    /// <summary>The name of an attempt's span, the root of a worker's own trace when its job came without one.</summary>
    public const string JobRunName = "job run";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A step of the running job (a child of the current span), e.g. <c>comfyui queue prompt</c>; null when nobody listens.</summary>
    public static Activity? StartStep(string name) => Source.StartActivity(name);

    internal static Activity? StartAttempt(Job job) => !Source.HasListeners() ? null :
        Source.StartActivity(JobRunName, ActivityKind.Consumer, JobTraceContext.Of(job),
        [
            new("renderqueue.job.id", job.Id),
            new("renderqueue.job.type", job.Type),
            new("renderqueue.job.attempt", job.Attempt),
            new("renderqueue.queue", job.Queue),
        ]);
}
