using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Webhooks;

/// <summary>
/// One event on its way to one endpoint: an outbox row written in the same commit as the job change that caused
/// it, then attempted until the endpoint takes it, it stops being worth sending, or the endpoint is gone.
/// </summary>
public sealed record WebhookDelivery
{
    /// <summary>Assigned by the store; increases.</summary>
    public long Id { get; init; }

    /// <summary>The <c>webhook-id</c> header: the same on every attempt (see <see cref="WebhookEvents.MessageId"/>).</summary>
    public required string MessageId { get; init; }

    public required string JobId { get; init; }

    /// <summary>The subscription it goes to; null for the job's own <c>webhook</c> URL.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>Where it goes, copied when the delivery was written.</summary>
    public required string Url { get; init; }

    /// <summary>The change-feed event it carries, as written in the same commit.</summary>
    public required JobEvent Event { get; init; }

    /// <summary>The job's result, for <c>job.succeeded</c>.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>The job's <see cref="Job.TraceParent"/>, copied when the delivery was written: its sending joins the job's trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The job's <see cref="Job.TraceState"/>, copied with it.</summary>
    public string? TraceState { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public WebhookDeliveryState State { get; init; }

    /// <summary>When it is due next while pending (a claim pushes it forward); null once finished.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why it failed for good, when it did.</summary>
    public string? FailureReason { get; init; }

    /// <summary>Every attempt, oldest first.</summary>
    public IReadOnlyList<WebhookAttempt> Attempts { get; init; } = [];
}

/// <summary>Where a delivery stands. Serialized in snake_case; SQLite stores the number, so values never move.</summary>
public enum WebhookDeliveryState
{
    /// <summary>Waiting for its next attempt.</summary>
    Pending = 0,

    /// <summary>The endpoint answered 2xx.</summary>
    Delivered = 1,

    /// <summary>Given up: too old, the endpoint is gone (410) or disabled, or the subscription was deleted.</summary>
    Failed = 2,
}

/// <summary>One POST to the endpoint and what came of it.</summary>
/// <param name="Number">1 for the first attempt.</param>
/// <param name="At">When it was sent.</param>
/// <param name="StatusCode">The HTTP status, when the endpoint answered.</param>
/// <param name="Error">What went wrong when it did not answer 2xx (refused target, timeout, connection error, status).</param>
/// <param name="Duration">From sending to the answer (or the failure).</param>
public sealed record WebhookAttempt(int Number, DateTimeOffset At, int? StatusCode, string? Error, TimeSpan Duration);

/// <summary>What a store does with a delivery after an attempt (or instead of one).</summary>
/// <param name="State"><see cref="WebhookDeliveryState.Pending"/> to try again at <paramref name="RetryAt"/>; otherwise final.</param>
/// <param name="RetryAt">The next attempt, while pending.</param>
/// <param name="FailureReason">Why it failed for good.</param>
public sealed record WebhookOutcome(WebhookDeliveryState State, DateTimeOffset? RetryAt = null, string? FailureReason = null)
{
    public static WebhookOutcome Delivered { get; } = new(WebhookDeliveryState.Delivered);

    public static WebhookOutcome Retry(DateTimeOffset at) => new(WebhookDeliveryState.Pending, at);

    public static WebhookOutcome Failed(string reason) => new(WebhookDeliveryState.Failed, FailureReason: reason);
}
