namespace RenderQueue.Server.Events;

internal sealed partial class EventHub
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Reading the change feed failed; retrying")]
        public static partial void PumpFailed(ILogger logger, Exception exception);

        [LoggerMessage(2, LogLevel.Error, "Event listener {Listener} failed on event {Sequence}")]
        public static partial void ListenerFailed(ILogger logger, Exception exception, string listener, long sequence);

        [LoggerMessage(4, LogLevel.Warning, "Cannot read the change feed: {Reason}; trying again")]
        public static partial void StoreUnavailable(ILogger logger, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Dropped a slow events socket (job_id {JobId}, queue {Queue}): its buffer was full")]
        public static partial void SlowSubscriberDropped(ILogger logger, string? jobId, string? queue);
    }
}
