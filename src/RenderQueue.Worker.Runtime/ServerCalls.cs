using System.Net;
using RenderQueue.Client;

namespace RenderQueue.Worker.Runtime;

/// <summary>What the agent does when a call to the server fails.</summary>
internal static class ServerCalls
{
    /// <summary>
    /// The server is unreachable or failing (connection refused or reset, a 5xx, a call that timed out): try again
    /// after a backoff. Everything else (a 4xx) is an answer.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException => true,
        RenderQueueApiException api => (int)api.StatusCode >= 500 || api.StatusCode == HttpStatusCode.RequestTimeout || api.StatusCode == HttpStatusCode.TooManyRequests,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // a call timeout, not our own stop
        IOException => true,
        _ => false,
    };

    /// <summary>The job is gone from this worker: its lease was lost (409) or the job no longer exists (404).</summary>
    public static bool IsLeaseGone(Exception exception) =>
        exception is LeaseLostException || exception is RenderQueueApiException { StatusCode: HttpStatusCode.NotFound };

    /// <summary>Runs <paramref name="call"/> with a per-call timeout linked to <paramref name="cancellationToken"/>.</summary>
    public static async Task<T> WithTimeoutAsync<T>(Func<CancellationToken, Task<T>> call, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        return await call(linked.Token);
    }
}
