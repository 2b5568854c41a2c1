using System.Text.Json.Serialization;
using RenderQueue.Core.Webhooks;

namespace RenderQueue.Core.Api;

/// <summary>The body of <c>POST /api/v1/webhooks</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateWebhookRequest
{
    /// <summary>Where events are POSTed: an absolute http(s) URL.</summary>
    public string? Url { get; init; }

    /// <summary>The queue whose jobs it hears; none for every queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Any of <c>job.succeeded</c>, <c>job.failed</c>, <c>job.canceled</c>, <c>job.progress</c>; default the first three.</summary>
    public IReadOnlyList<string>? Events { get; init; }

    /// <summary>Free text for people, up to 200 characters.</summary>
    public string? Description { get; init; }
}

/// <summary>A webhook subscription as lists show it: without its secret.</summary>
public sealed record WebhookInfo(
    string Id, string Url, string? Queue, IReadOnlyList<string> Events, string? Description,
    DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, string? DisabledReason)
{
    public static WebhookInfo From(WebhookSubscription s) => new(s.Id, s.Url, s.Queue, s.Events, s.Description, s.CreatedAt, s.DisabledAt, s.DisabledReason);
}

/// <summary>The answer to creating a subscription: the only time <see cref="Secret"/> is shown.</summary>
public sealed record CreatedWebhook(
    string Id, string Url, string? Queue, IReadOnlyList<string> Events, string? Description, DateTimeOffset CreatedAt, string Secret);
