namespace RenderQueue.Server.Background;

internal sealed partial class RetentionCleaner
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Deleted {Count} finished jobs past retention, with their artifacts")]
        public static partial void Purged(ILogger logger, int count);
    }
}
