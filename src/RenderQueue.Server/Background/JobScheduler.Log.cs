namespace RenderQueue.Server.Background;

internal sealed partial class JobScheduler
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Moved {Count} due jobs to their queue")]
        public static partial void Promoted(ILogger logger, int count);
    }
}
