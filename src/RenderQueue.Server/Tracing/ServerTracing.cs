using System.Diagnostics;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Webhooks;

namespace RenderQueue.Server.Tracing;

/// <summary>
/// The server's spans. The code only uses this <see cref="ActivitySource"/>; whether anything listens is decided at
/// the hosting edge (<see cref="TracingRegistration"/>), so with tracing off these calls cost a listener check.
/// </summary>
internal static class ServerTracing
{
    public const string SourceName = "RenderQueue.Server";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// The job keeps the submit request's context: the server's own span, or the client's <c>traceparent</c>. An
    /// unsampled local root is not kept, so that an untraced server does not make workers' spans children of a trace
    /// nobody records.
    /// </summary>
    public static NewJob WithSubmitContext(NewJob job) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } submit && (submit.Recorded || submit.HasRemoteParent)
            ? job with { TraceParent = submit.Id, TraceState = submit.TraceStateString }
            : job;

    /// <summary>
    /// A span for a worker's report of a job's end, from <paramref name="started"/> to now. Its parent is the job's
    /// stored context, which only the store's answer gives, so the span is written after the call; the request that
    /// carried the report is linked.
    /// </summary>
    public static void RecordReport(string name, Job job, DateTimeOffset started)
    {
        if (!Source.HasListeners()) return;
        ActivityLink[]? links = Activity.Current is { } request ? [new ActivityLink(request.Context)] : null;
        using var span = Source.StartActivity(name, ActivityKind.Internal, JobTraceContext.Of(job), Tags(job.Id), links, started);
        span?.SetTag("renderqueue.job.attempt", job.Attempt).SetTag("renderqueue.job.state", job.State.ToWire());
    }

    /// <summary>A webhook delivery attempt, in the trace of the job it tells about.</summary>
    public static Activity? StartDelivery(WebhookDelivery delivery) => !Source.HasListeners() ? null :
        Source.StartActivity("webhook deliver", ActivityKind.Client, JobTraceContext.Parse(delivery.TraceParent, delivery.TraceState), Tags(delivery.JobId))
            ?.SetTag("renderqueue.webhook.id", delivery.MessageId)
            .SetTag("renderqueue.webhook.event", delivery.Event.Type);

    /// <summary>What the endpoint answered, on the current delivery span.</summary>
    public static void TagAttempt(WebhookAttempt attempt, WebhookOutcome outcome)
    {
        if (Activity.Current is not { Source.Name: SourceName } span) return;
        span.SetTag("http.response.status_code", attempt.StatusCode).SetTag("renderqueue.webhook.outcome", outcome.State.ToString());
        if (outcome.State != WebhookDeliveryState.Delivered) span.SetStatus(ActivityStatusCode.Error, attempt.Error);
    }

    private static KeyValuePair<string, object?>[] Tags(string jobId) => [new("renderqueue.job.id", jobId)];
}
