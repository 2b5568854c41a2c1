
namespace RenderQueue.Worker.ComfyUI;

internal sealed partial class PromptRun
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Job {JobId}: submitted prompt {PromptId} to ComfyUI {Url} as client {ClientId}")]
        public static partial void Submitted(ILogger logger, string jobId, string promptId, Uri url, string clientId);

        [LoggerMessage(2, LogLevel.Information, "Job {JobId}: prompt {PromptId} on ComfyUI {Url} succeeded with {Count} artifacts")]
        public static partial void Succeeded(ILogger logger, string jobId, string promptId, Uri url, int count);

        [LoggerMessage(3, LogLevel.Warning, "Job {JobId}: the socket to ComfyUI {Url} dropped while prompt {PromptId} ran; following it through /history and /queue")]
        public static partial void EventsLost(ILogger logger, string jobId, string promptId, Uri url);

        [LoggerMessage(4, LogLevel.Information, "Job {JobId}: interrupting prompt {PromptId} on ComfyUI {Url}")]
        public static partial void Interrupting(ILogger logger, string jobId, string promptId, Uri url);

        [LoggerMessage(5, LogLevel.Warning, "ComfyUI {Url} did not confirm within {Grace} that prompt {PromptId} stopped")]
        public static partial void InterruptUnconfirmed(ILogger logger, string promptId, Uri url, TimeSpan grace);

        [LoggerMessage(6, LogLevel.Warning, "Could not interrupt prompt {PromptId} on ComfyUI {Url}: {Reason}")]
        public static partial void InterruptFailed(ILogger logger, string promptId, Uri url, string reason);
    }
}
