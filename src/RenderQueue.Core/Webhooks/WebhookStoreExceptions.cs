using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Webhooks;

/// <summary>No webhook subscription has this id.</summary>
public sealed class WebhookSubscriptionNotFoundException(string subscriptionId)
    : JobStoreException($"Webhook subscription '{subscriptionId}' was not found.")
{
    public string SubscriptionId { get; } = subscriptionId;
}

/// <summary>No webhook delivery has this id (it finished long ago and was trimmed, or never existed).</summary>
public sealed class WebhookDeliveryNotFoundException(long deliveryId)
    : JobStoreException(FormattableString.Invariant($"Webhook delivery {deliveryId} was not found."))
{
    public long DeliveryId { get; } = deliveryId;
}
