using System.Text.Json;
using Microsoft.Data.Sqlite;
using RenderQueue.Core.Json;
using RenderQueue.Core.Webhooks;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Rows of the webhook tables. A subscription is JSON in <c>body</c> with its queue and disabling copied to columns;
/// a delivery keeps what never changes in <c>body</c> and what does (state, next attempt, end) in columns, and
/// its attempts in <c>webhook_attempts</c>.
/// </summary>
internal static class WebhookRows
{
    public const string DeliveryColumns = "id, state, next_attempt_at, finished_at, failure_reason, body";

    public static WebhookSubscription ReadSubscription(string body) =>
        JsonSerializer.Deserialize<WebhookSubscription>(body, RenderQueueJson.Compact)!;

    public static string SubscriptionBody(WebhookSubscription subscription) => JsonSerializer.Serialize(subscription, RenderQueueJson.Compact);

    public static WebhookSubscription? FindSubscription(Commands sql, string id) =>
        sql.Scalar("SELECT body FROM webhook_subscriptions WHERE id = $1", id) is string body ? ReadSubscription(body) : null;

    /// <summary>Reads a row selected with <see cref="DeliveryColumns"/>, without its attempts.</summary>
    public static WebhookDelivery ReadDelivery(SqliteDataReader reader) =>
        JsonSerializer.Deserialize<WebhookDelivery>(reader.GetString(5), RenderQueueJson.Compact)! with
        {
            Id = reader.GetInt64(0),
            State = (WebhookDeliveryState)reader.GetInt32(1),
            NextAttemptAt = reader.IsDBNull(2) || reader.GetInt32(1) != 0 ? null : UnixTime.From(reader.GetInt64(2)),
            FinishedAt = reader.IsDBNull(3) ? null : UnixTime.From(reader.GetInt64(3)),
            FailureReason = reader.IsDBNull(4) ? null : reader.GetString(4),
        };

    public static WebhookDelivery? FindDelivery(Commands sql, long id)
    {
        WebhookDelivery delivery;
        using (var reader = sql.Query($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = $1", id))
        {
            if (!reader.Read()) return null;
            delivery = ReadDelivery(reader);
        }
        return WithAttempts(sql, delivery);
    }

    public static WebhookDelivery WithAttempts(Commands sql, WebhookDelivery delivery)
    {
        var attempts = new List<WebhookAttempt>();
        using var reader = sql.Query("SELECT body FROM webhook_attempts WHERE delivery_id = $1 ORDER BY number", delivery.Id);
        while (reader.Read()) attempts.Add(JsonSerializer.Deserialize<WebhookAttempt>(reader.GetString(0), RenderQueueJson.Compact)!);
        return delivery with { Attempts = attempts };
    }
}
