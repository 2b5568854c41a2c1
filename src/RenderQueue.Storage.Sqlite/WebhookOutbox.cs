using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Webhooks;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Writes webhook deliveries inside the transaction of the change that caused them, so a committed change always
/// has its deliveries and a rolled-back one never does. Each delivery copies its event: trimming the change feed
/// cannot lose it.
/// </summary>
internal static class WebhookOutbox
{
    public static void Write(WriteContext context, JobEvent jobEvent, Job job)
    {
        if (!WebhookEvents.IsWebhookEvent(jobEvent.Type)) return;
        var targets = new List<(string? SubscriptionId, string Url)>();
        if (job.Webhook is { } url && WebhookEvents.IsTerminal(jobEvent.Type)) targets.Add((null, url));
        using (var reader = context.Sql.Query("SELECT body FROM webhook_subscriptions WHERE disabled_at IS NULL AND (queue IS NULL OR queue = $1)", job.Queue))
        {
            while (reader.Read())
            {
                var subscription = WebhookRows.ReadSubscription(reader.GetString(0));
                if (subscription.Hears(job.Queue, jobEvent.Type)) targets.Add((subscription.Id, subscription.Url));
            }
        }
        if (targets.Count == 0) return;
        if (jobEvent.Type == JobEventTypes.Progress && !TakeProgressTurn(context, job.Id, jobEvent.At)) return;

        foreach (var (subscriptionId, target) in targets)
        {
            var delivery = new WebhookDelivery
            {
                MessageId = WebhookEvents.MessageId(job.Id, jobEvent.Sequence),
                JobId = job.Id,
                SubscriptionId = subscriptionId,
                Url = target,
                Event = jobEvent,
                Result = jobEvent.Type == JobEventTypes.Succeeded ? job.Result : null,
                TraceParent = job.TraceParent,
                TraceState = job.TraceState,
                CreatedAt = jobEvent.At,
            };
            context.Sql.Execute(
                "INSERT INTO webhook_deliveries (job_id, state, next_attempt_at, body) VALUES ($1, $2, $3, $4)",
                job.Id, (int)WebhookDeliveryState.Pending, UnixTime.Ms(jobEvent.At), JsonSerializer.Serialize(delivery, RenderQueueJson.Compact));
        }
    }

    /// <summary>True (and the turn is taken) when the job's last progress delivery is at least the interval old.</summary>
    private static bool TakeProgressTurn(WriteContext context, string jobId, DateTimeOffset at)
    {
        var last = context.Sql.Scalar("SELECT at FROM webhook_progress WHERE job_id = $1", jobId) as long?;
        if (last is { } ms && at - UnixTime.From(ms) < context.WebhookProgressInterval) return false;
        context.Sql.Execute(
            "INSERT INTO webhook_progress (job_id, at) VALUES ($1, $2) ON CONFLICT (job_id) DO UPDATE SET at = excluded.at",
            jobId, UnixTime.Ms(at));
        return true;
    }
}
