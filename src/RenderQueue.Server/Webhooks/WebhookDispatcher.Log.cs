namespace RenderQueue.Server.Webhooks;

internal sealed partial class WebhookDispatcher
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Webhook {MessageId} delivered to {Url} (attempt {Attempt})")]
        public static partial void Delivered(ILogger logger, string messageId, string url, int attempt);

        [LoggerMessage(2, LogLevel.Information, "Webhook {MessageId} to {Url} failed (attempt {Attempt}: {Error}); next attempt at {RetryAt:O}")]
        public static partial void WillRetry(ILogger logger, string messageId, string url, int attempt, string? error, DateTimeOffset retryAt);

        [LoggerMessage(3, LogLevel.Warning, "Webhook {MessageId} to {Url} given up after {Attempts} attempts: {Reason}")]
        public static partial void GaveUp(ILogger logger, string messageId, string url, int attempts, string? reason);

        [LoggerMessage(4, LogLevel.Warning, "Webhook subscription {SubscriptionId} disabled: {Url} answered 410 Gone")]
        public static partial void EndpointGone(ILogger logger, string subscriptionId, string url);

        [LoggerMessage(5, LogLevel.Error, "Could not read the webhook outbox; trying again shortly")]
        public static partial void ClaimFailed(ILogger logger, Exception exception);

        [LoggerMessage(7, LogLevel.Warning, "Cannot read or update the webhook outbox now: {Reason}; trying again")]
        public static partial void StoreUnavailable(ILogger logger, string reason);

        [LoggerMessage(6, LogLevel.Error, "Could not record webhook delivery {DeliveryId} ({MessageId}); it is sent again when its claim runs out")]
        public static partial void RecordFailed(ILogger logger, Exception exception, long deliveryId, string messageId);
    }
}
