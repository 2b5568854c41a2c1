using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Webhooks;

/// <summary>The job events webhooks carry: the three endings, and progress (throttled, subscriptions only).</summary>
public static class WebhookEvents
{
    /// <summary>What a subscription gets when it names no events: the three endings.</summary>
    public static IReadOnlyList<string> Terminal { get; } = [JobEventTypes.Succeeded, JobEventTypes.Failed, JobEventTypes.Canceled];

    /// <summary>Every event a subscription may ask for.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Terminal, JobEventTypes.Progress];

    /// <summary>True for an event a webhook can carry.</summary>
    public static bool IsWebhookEvent(string eventType) => All.Contains(eventType, StringComparer.Ordinal);

    /// <summary>A job's own <c>webhook</c> URL hears only how the job ended.</summary>
    public static bool IsTerminal(string eventType) => Terminal.Contains(eventType, StringComparer.Ordinal);

    /// <summary>The Standard Webhooks message id of an event: the same for every endpoint and every attempt, and
    /// unique across stores because job ids are random.</summary>
    public static string MessageId(string jobId, long eventSequence) =>
        "msg_" + jobId + "_" + eventSequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
