using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Webhooks;

namespace RenderQueue.Server.Webhooks;

/// <summary>
/// The body of a webhook, in the Standard Webhooks shape: <c>{"type", "timestamp", "data"}</c>. It is made only from
/// what the delivery stored, so every attempt sends the same bytes.
/// </summary>
internal sealed record WebhookPayload(string Type, DateTimeOffset Timestamp, WebhookPayload.JobData Data)
{
    /// <summary>The job as the event saw it; <c>result</c> only for <c>job.succeeded</c>.</summary>
    public sealed record JobData(
        string JobId, string Queue, string JobType, JobState State, int Attempt, int Priority, JobProgress? Progress,
        JobError? Error, string? WorkerId, string? Reason, JsonElement? Result, long Sequence);

    public static byte[] Serialize(WebhookDelivery delivery)
    {
        var e = delivery.Event;
        var payload = new WebhookPayload(e.Type, e.At, new JobData(
            e.JobId, e.Queue, e.JobType, e.State, e.Attempt, e.Priority, e.Progress, e.Error, e.WorkerId, e.Reason, delivery.Result, e.Sequence));
        return JsonSerializer.SerializeToUtf8Bytes(payload, RenderQueueJson.Options);
    }
}
