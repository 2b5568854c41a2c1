namespace RenderQueue.Server.Background;

internal sealed partial class RetentionCleaner
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Deleted {Count} finished jobs past retention, with their artifacts")]
        public static partial void Purged(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Error, "Retention cleaning failed; trying again at the next interval")]
        public static partial void CleanFailed(ILogger logger, Exception exception);

        [LoggerMessage(3, LogLevel.Warning, "Cannot clean up past retention now: {Reason}; trying again")]
        public static partial void StoreUnavailable(ILogger logger, string reason);
    }
}
