using System.Text.Json;
using RenderQueue.Core.Json;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Webhooks;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>API keys, webhook subscriptions and deliveries as the scripts keep them (see <c>common.lua</c>).</summary>
internal static class WebhookHash
{
    public static ApiKeyRecord ReadKey(RedisResult flat)
    {
        var f = new RedisFields(flat);
        return new ApiKeyRecord
        {
            Id = f["id"],
            Name = f["name"],
            Role = ApiKeyRoles.TryParse(f["role"], out var role) ? role : throw new InvalidOperationException($"Unknown API key role '{f["role"]}'."),
            Hash = f["hash"],
            CreatedAt = f.Time("created"),
            RevokedAt = f.OptionalTime("revoked"),
        };
    }

    public static WebhookSubscription ReadSubscription(RedisResult flat)
    {
        var f = new RedisFields(flat);
        return new WebhookSubscription
        {
            Id = f["id"],
            Url = f["url"],
            Queue = f.Text("queue"),
            Events = f["events"].Split(',', StringSplitOptions.RemoveEmptyEntries),
            Secret = f["secret"],
            Description = f.Text("desc"),
            CreatedAt = f.Time("created"),
            DisabledAt = f.OptionalTime("disabled"),
            DisabledReason = f.Text("disabled_reason"),
        };
    }

    /// <summary>A <c>{ fields, attempts }</c> pair as the webhook scripts reply.</summary>
    public static WebhookDelivery ReadDelivery(RedisResult pair)
    {
        var parts = (RedisResult[])pair!;
        var f = new RedisFields(parts[0]);
        var eventFields = JsonSerializer.Deserialize<Dictionary<string, string>>(f["ev"])!;
        var state = f["state"] switch
        {
            "pending" => WebhookDeliveryState.Pending,
            "delivered" => WebhookDeliveryState.Delivered,
            "failed" => WebhookDeliveryState.Failed,
            var other => throw new InvalidOperationException($"Unknown webhook delivery state '{other}'."),
        };
        return new WebhookDelivery
        {
            Id = f.Long("id"),
            MessageId = f["msg"],
            JobId = f["job"],
            SubscriptionId = f.Text("sub"),
            Url = f["url"],
            Event = EventEntry.FromFields(new RedisFields(eventFields), f.Long("seq")),
            Result = f.Text("res") is { } result ? JsonDocument.Parse(result).RootElement.Clone() : null,
            TraceParent = f.Text("traceparent"),
            TraceState = f.Text("tracestate"),
            CreatedAt = f.Time("created"),
            State = state,
            NextAttemptAt = state == WebhookDeliveryState.Pending ? f.OptionalTime("next") : null,
            FinishedAt = f.OptionalTime("finished"),
            FailureReason = f.Text("reason"),
            // Numbered by their place in the list, as the SQLite store numbers them.
            Attempts = [.. ((RedisResult[])parts[1]!).Select((a, i) => JsonSerializer.Deserialize<WebhookAttempt>((string)a!, RenderQueueJson.Compact)! with { Number = i + 1 })],
        };
    }

    public static string StateName(WebhookDeliveryState state) => state switch
    {
        WebhookDeliveryState.Pending => "pending",
        WebhookDeliveryState.Delivered => "delivered",
        WebhookDeliveryState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
