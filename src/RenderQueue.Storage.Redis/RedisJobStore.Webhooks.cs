using System.Text.Json;
using RenderQueue.Core.Json;
using RenderQueue.Core.Webhooks;

namespace RenderQueue.Storage.Redis;

public sealed partial class RedisJobStore
{
    public async Task<WebhookSubscription> CreateWebhookSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.WebhookSubscribe,
        [
            subscription.Id, subscription.Url, subscription.Queue ?? "", string.Join(',', subscription.Events),
            subscription.Secret, subscription.Description ?? "",
        ], cancellationToken);
        if (reply.Status == "exists") throw new InvalidOperationException($"A webhook subscription with id '{subscription.Id}' already exists.");
        return WebhookHash.ReadSubscription(reply.Value);
    }

    public async Task<WebhookSubscription?> GetWebhookSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.WebhookSubscription, [subscriptionId], cancellationToken);
        return reply.IsNotFound ? null : WebhookHash.ReadSubscription(reply.Value);
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListWebhookSubscriptionsAsync(CancellationToken cancellationToken) =>
        [.. (await RunAsync(_scripts.WebhookSubscriptions, [], cancellationToken)).Items.Select(WebhookHash.ReadSubscription)];

    public async Task<bool> DeleteWebhookSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        (long)(await RunAsync(_scripts.WebhookUnsubscribe, [subscriptionId], cancellationToken)).Value == 1;

    public async Task<WebhookSubscription> DisableWebhookSubscriptionAsync(string subscriptionId, string reason, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.WebhookDisable, [subscriptionId, reason], cancellationToken);
        return reply.IsNotFound ? throw new WebhookSubscriptionNotFoundException(subscriptionId) : WebhookHash.ReadSubscription(reply.Value);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ClaimWebhookDeliveriesAsync(int max, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        if (max < 1) return [];
        var reply = await RunAsync(_scripts.WebhookClaim, [max, Milliseconds(claimFor)], cancellationToken);
        return [.. reply.Items.Select(WebhookHash.ReadDelivery)];
    }

    public async Task<WebhookDelivery> RecordWebhookAttemptAsync(long deliveryId, WebhookAttempt? attempt, WebhookOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.State == WebhookDeliveryState.Pending && outcome.RetryAt is null)
            throw new ArgumentException("A pending outcome needs a retry time.", nameof(outcome));
        var reply = await RunAsync(_scripts.WebhookRecord,
        [
            deliveryId,
            attempt is null ? "" : JsonSerializer.Serialize(attempt, RenderQueueJson.Compact),
            WebhookHash.StateName(outcome.State),
            outcome.RetryAt is { } retryAt ? retryAt.ToUnixTimeMilliseconds() : "",
            outcome.FailureReason ?? "",
        ], cancellationToken);
        return reply.IsNotFound ? throw new WebhookDeliveryNotFoundException(deliveryId) : WebhookHash.ReadDelivery(reply.Value);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListJobWebhookDeliveriesAsync(string jobId, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.WebhookJob, [jobId], cancellationToken);
        return [.. reply.Items.Select(WebhookHash.ReadDelivery)];
    }

    public async Task<DateTimeOffset?> NextWebhookDueAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var first = await _database.SortedSetRangeByRankWithScoresAsync(Key("wh:due"), 0, 0);
        return first.Length == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)first[0].Score);
    }
}
