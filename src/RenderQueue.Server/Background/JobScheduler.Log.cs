namespace RenderQueue.Server.Background;

internal sealed partial class JobScheduler
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Moved {Count} due jobs to their queue")]
        public static partial void Promoted(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Error, "Promoting due jobs failed; trying again shortly")]
        public static partial void PromoteFailed(ILogger logger, Exception exception);

        [LoggerMessage(3, LogLevel.Warning, "Cannot promote due jobs now: {Reason}; trying again")]
        public static partial void StoreUnavailable(ILogger logger, string reason);
    }
}
