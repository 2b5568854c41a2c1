namespace RenderQueue.Core.Webhooks;

/// <summary>
/// An endpoint that hears the events of one queue, or of every queue. The store keeps the signing secret as is: it
/// must sign with it, so it cannot keep only a hash. The API shows the secret once, when the subscription is made.
/// </summary>
public sealed record WebhookSubscription
{
    /// <summary>Public id, e.g. <c>wh_…</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The absolute http(s) URL events are POSTed to.</summary>
    public required string Url { get; init; }

    /// <summary>The queue whose jobs it hears; null for every queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Event types it hears (<see cref="WebhookEvents.All"/>).</summary>
    public required IReadOnlyList<string> Events { get; init; }

    /// <summary>The Standard Webhooks secret, <c>whsec_</c> and base64 of at least 24 random bytes.</summary>
    public required string Secret { get; init; }

    /// <summary>Free text for people.</summary>
    public string? Description { get; init; }

    /// <summary>Set by the store from its clock.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the endpoint answered 410 Gone (or was disabled otherwise); it hears nothing more.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    public string? DisabledReason { get; init; }

    /// <summary>True when this subscription hears <paramref name="eventType"/> from <paramref name="queue"/>.</summary>
    public bool Hears(string queue, string eventType) =>
        DisabledAt is null
        && (Queue is null || string.Equals(Queue, queue, StringComparison.Ordinal))
        && Events.Contains(eventType, StringComparer.Ordinal);
}
