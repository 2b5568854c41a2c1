using Microsoft.Extensions.Options;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Threading;
using RenderQueue.Core.Webhooks;
using RenderQueue.Server.Background;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Tracing;

namespace RenderQueue.Server.Webhooks;

/// <summary>
/// Delivers the webhook outbox, on the leader node only (<see cref="LeaderService"/>): claims due deliveries, sends each signed, and records every attempt with what comes
/// next: done on 2xx, the endpoint disabled on 410 Gone, otherwise a retry after an exponential, jittered backoff
/// until the delivery is <see cref="WebhookOptions.MaxAge"/> old. The message id and body never change between
/// attempts. New deliveries wake it through the store's event signal; it also looks at the earliest due time and
/// every <see cref="WebhookOptions.PollInterval"/>. A claim keeps other claimers away while an attempt is in flight,
/// so while leadership moves (the old leader's attempts in flight finish and are recorded) no attempt is sent twice;
/// a dispatcher that dies mid-attempt leaves the claim to run out, and the delivery is sent again (at least once,
/// same webhook-id).
/// </summary>
internal sealed partial class WebhookDispatcher(
    IJobStore store, WebhookSender sender, IOptions<WebhookOptions> options, ILeaderElection election, TimeProvider time,
    ILogger<WebhookDispatcher> logger)
    : LeaderService(election, logger)
{
    private readonly WakeSignal _wake = new();

    protected override async Task LeadAsync(CancellationToken leading)
    {
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        var inFlight = new List<Task>();
        store.Signals.EventsAppended += OnEventsAppended;
        try
        {
            while (!leading.IsCancellationRequested)
            {
                _wake.Reset(); // before claiming: anything written from now on wakes the wait below
                var free = slots.CurrentCount;
                IReadOnlyList<WebhookDelivery> claimed = free == 0 ? [] : await ClaimAsync(free, settings.ClaimDuration, leading);
                foreach (var delivery in claimed)
                {
                    await slots.WaitAsync(leading);
                    inFlight.Add(Task.Run(() => RunAsync(delivery, slots), CancellationToken.None));
                }
                inFlight.RemoveAll(t => t.IsCompleted);
                if (free > 0 && claimed.Count == free) continue; // there may be more due right now
                await WaitForWorkAsync(settings.PollInterval, leading);
            }
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
            // the term ended or the node stops: attempts in flight finish (each within the timeout) and are recorded
        }
        finally
        {
            store.Signals.EventsAppended -= OnEventsAppended;
            await Task.WhenAll(inFlight);
        }
    }

    /// <summary>Claims up to <paramref name="max"/> due deliveries; none when the outbox cannot be read (logged).</summary>
    private async Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(int max, TimeSpan claimFor, CancellationToken ct)
    {
        IReadOnlyList<WebhookDelivery> claimed = [];
        await RunPassAsync("claim due webhook deliveries", async pass => claimed = await store.ClaimWebhookDeliveriesAsync(max, claimFor, pass), ct);
        return claimed;
    }

    /// <summary>Sleeps until a wake-up, the earliest due delivery, or the poll interval, whichever comes first.</summary>
    private async Task WaitForWorkAsync(TimeSpan pollInterval, CancellationToken ct)
    {
        var delay = pollInterval;
        try
        {
            if (await store.NextWebhookDueAsync(ct) is { } due)
            {
                var untilDue = due - time.GetUtcNow();
                if (untilDue < delay) delay = untilDue > TimeSpan.Zero ? untilDue : TimeSpan.FromMilliseconds(1);
            }
        }
        catch (StoreUnavailableException)
        {
            // said once by the claim; look again after the poll interval
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Log.ClaimFailed(logger, e);
        }
        await _wake.WaitAsync(time.GetUtcNow() + delay, time, ct);
    }

    private async Task RunAsync(WebhookDelivery delivery, SemaphoreSlim slots)
    {
        using var span = ServerTracing.StartDelivery(delivery);
        try
        {
            await DeliverAsync(delivery, CancellationToken.None);
        }
        catch (StoreUnavailableException e)
        {
            Log.StoreUnavailable(logger, e.Message); // the claim runs out and the delivery is sent again
        }
        catch (Exception e)
        {
            Log.RecordFailed(logger, e, delivery.Id, delivery.MessageId);
        }
        finally
        {
            slots.Release();
            _wake.Set();
        }
    }

    private async Task DeliverAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var settings = options.Value;
        byte[] key;
        WebhookSubscription? subscription = null;
        if (delivery.SubscriptionId is { } subscriptionId)
        {
            subscription = await store.GetWebhookSubscriptionAsync(subscriptionId, ct);
            if (subscription is null)
            {
                await EndAsync(delivery, "Its subscription was deleted.", ct);
                return;
            }
            if (subscription.DisabledAt is not null)
            {
                await EndAsync(delivery, $"Its subscription was disabled: {subscription.DisabledReason}", ct);
                return;
            }
            if (!WebhookSecret.TryDecode(subscription.Secret, out key))
            {
                await EndAsync(delivery, "Its subscription's secret cannot be read.", ct);
                return;
            }
        }
        else if (!WebhookSecret.TryDecode(settings.JobSecret, out key))
        {
            await EndAsync(delivery, "Webhooks:JobSecret, which signs jobs' own webhooks, is not configured.", ct);
            return;
        }
        if (time.GetUtcNow() - delivery.CreatedAt >= settings.MaxAge)
        {
            await EndAsync(delivery, $"It was still undelivered after {settings.MaxAge:c} (Webhooks:MaxAge).", ct);
            return;
        }

        var result = await sender.SendAsync(delivery, delivery.Url, key, ct);
        var attempt = result.Attempt with { Number = delivery.Attempts.Count + 1 };
        var outcome = Decide(delivery, attempt, result.Refused, settings);
        ServerTracing.TagAttempt(attempt, outcome);
        await store.RecordWebhookAttemptAsync(delivery.Id, attempt, outcome, ct);
        if (attempt.StatusCode == 410 && subscription is not null)
        {
            await store.DisableWebhookSubscriptionAsync(subscription.Id, $"{delivery.Url} answered 410 Gone.", ct);
            Log.EndpointGone(logger, subscription.Id, delivery.Url);
        }
        switch (outcome.State)
        {
            case WebhookDeliveryState.Delivered: Log.Delivered(logger, delivery.MessageId, delivery.Url, attempt.Number); break;
            case WebhookDeliveryState.Pending: Log.WillRetry(logger, delivery.MessageId, delivery.Url, attempt.Number, attempt.Error, outcome.RetryAt!.Value); break;
            default: Log.GaveUp(logger, delivery.MessageId, delivery.Url, attempt.Number, outcome.FailureReason); break;
        }
    }

    private WebhookOutcome Decide(WebhookDelivery delivery, WebhookAttempt attempt, bool refused, WebhookOptions settings)
    {
        if (attempt.StatusCode is >= 200 and < 300) return WebhookOutcome.Delivered;
        if (attempt.StatusCode == 410) return WebhookOutcome.Failed("The endpoint answered 410 Gone: it wants no more webhooks.");
        if (refused) return WebhookOutcome.Failed(attempt.Error!);
        var retryAt = time.GetUtcNow() + settings.Retry.DelayAfter(attempt.Number, Random.Shared.NextDouble());
        return retryAt - delivery.CreatedAt < settings.MaxAge
            ? WebhookOutcome.Retry(retryAt)
            : WebhookOutcome.Failed($"Gave up after {attempt.Number} attempts: the next would be past Webhooks:MaxAge ({settings.MaxAge:c}). Last: {attempt.Error}");
    }

    private async Task EndAsync(WebhookDelivery delivery, string reason, CancellationToken ct)
    {
        await store.RecordWebhookAttemptAsync(delivery.Id, null, WebhookOutcome.Failed(reason), ct);
        Log.GaveUp(logger, delivery.MessageId, delivery.Url, delivery.Attempts.Count, reason);
    }

    private void OnEventsAppended(long _) => _wake.Set();
}
