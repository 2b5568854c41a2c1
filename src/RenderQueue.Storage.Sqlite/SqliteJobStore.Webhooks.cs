using System.Text.Json;
using RenderQueue.Core.Json;
using RenderQueue.Core.Webhooks;

namespace RenderQueue.Storage.Sqlite;

public sealed partial class SqliteJobStore
{
    private static readonly string DueDeliveries =
        $"SELECT {WebhookRows.DeliveryColumns} FROM webhook_deliveries WHERE {StateSql.DeliveryIsPending} AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2";
    private static readonly string NextDelivery = $"SELECT min(next_attempt_at) FROM webhook_deliveries WHERE {StateSql.DeliveryIsPending}";

    public Task<WebhookSubscription> CreateWebhookSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var created = subscription with { CreatedAt = Now, DisabledAt = null, DisabledReason = null };
            context.Sql.Execute(
                "INSERT INTO webhook_subscriptions (id, queue, created_at, body) VALUES ($1, $2, $3, $4)",
                created.Id, created.Queue, UnixTime.Ms(created.CreatedAt), WebhookRows.SubscriptionBody(created));
            return created;
        }, cancellationToken);

    public Task<WebhookSubscription?> GetWebhookSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql => WebhookRows.FindSubscription(sql, subscriptionId)));

    public Task<IReadOnlyList<WebhookSubscription>> ListWebhookSubscriptionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WebhookSubscription>>(_readers.Read(sql =>
        {
            var subscriptions = new List<WebhookSubscription>();
            using var reader = sql.Query("SELECT body FROM webhook_subscriptions ORDER BY created_at, id");
            while (reader.Read()) subscriptions.Add(WebhookRows.ReadSubscription(reader.GetString(0)));
            return subscriptions;
        }));

    public Task<bool> DeleteWebhookSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context => context.Sql.Execute("DELETE FROM webhook_subscriptions WHERE id = $1", subscriptionId) > 0, cancellationToken);

    public Task<WebhookSubscription> DisableWebhookSubscriptionAsync(string subscriptionId, string reason, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var subscription = WebhookRows.FindSubscription(context.Sql, subscriptionId) ?? throw new WebhookSubscriptionNotFoundException(subscriptionId);
            if (subscription.DisabledAt is not null) return subscription;
            var disabled = subscription with { DisabledAt = Now, DisabledReason = reason };
            context.Sql.Execute(
                "UPDATE webhook_subscriptions SET disabled_at = $2, body = $3 WHERE id = $1",
                subscriptionId, UnixTime.Ms(Now), WebhookRows.SubscriptionBody(disabled));
            return disabled;
        }, cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ClaimWebhookDeliveriesAsync(int max, TimeSpan claimFor, CancellationToken cancellationToken) =>
        _writer.WriteAsync<IReadOnlyList<WebhookDelivery>>(context =>
        {
            var now = Now;
            var claimed = new List<WebhookDelivery>();
            using (var reader = context.Sql.Query(
                DueDeliveries,
                UnixTime.Ms(now), max))
            {
                while (reader.Read()) claimed.Add(WebhookRows.ReadDelivery(reader));
            }
            var until = now + claimFor;
            foreach (var delivery in claimed)
                context.Sql.Execute("UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id = $1", delivery.Id, UnixTime.Ms(until));
            return [.. claimed.Select(d => WebhookRows.WithAttempts(context.Sql, d with { NextAttemptAt = until }))];
        }, cancellationToken);

    public Task<WebhookDelivery> RecordWebhookAttemptAsync(long deliveryId, WebhookAttempt? attempt, WebhookOutcome outcome, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var delivery = WebhookRows.FindDelivery(context.Sql, deliveryId) ?? throw new WebhookDeliveryNotFoundException(deliveryId);
            if (attempt is not null)
            {
                context.Sql.Execute(
                    "INSERT INTO webhook_attempts (delivery_id, number, body) VALUES ($1, $2, $3)",
                    deliveryId, delivery.Attempts.Count + 1,
                    JsonSerializer.Serialize(attempt with { Number = delivery.Attempts.Count + 1 }, RenderQueueJson.Compact));
            }
            if (delivery.State == WebhookDeliveryState.Pending)
            {
                if (outcome.State == WebhookDeliveryState.Pending)
                {
                    var retryAt = outcome.RetryAt ?? throw new ArgumentException("A pending outcome needs a retry time.", nameof(outcome));
                    context.Sql.Execute("UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id = $1", deliveryId, UnixTime.Ms(retryAt));
                }
                else
                {
                    context.Sql.Execute(
                        "UPDATE webhook_deliveries SET state = $2, next_attempt_at = NULL, finished_at = $3, failure_reason = $4 WHERE id = $1",
                        deliveryId, (int)outcome.State, UnixTime.Ms(Now), outcome.FailureReason);
                }
            }
            return WebhookRows.FindDelivery(context.Sql, deliveryId)!;
        }, cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ListJobWebhookDeliveriesAsync(string jobId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WebhookDelivery>>(_readers.Read(sql =>
        {
            var deliveries = new List<WebhookDelivery>();
            using (var reader = sql.Query($"SELECT {WebhookRows.DeliveryColumns} FROM webhook_deliveries WHERE job_id = $1 ORDER BY id", jobId))
            {
                while (reader.Read()) deliveries.Add(WebhookRows.ReadDelivery(reader));
            }
            return deliveries.ConvertAll(d => WebhookRows.WithAttempts(sql, d));
        }));

    public Task<DateTimeOffset?> NextWebhookDueAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql =>
            sql.Scalar(NextDelivery) is long ms ? UnixTime.From(ms) : (DateTimeOffset?)null));
}
