namespace RenderQueue.Server.Dispatch;

internal sealed partial class LeaseDispatcher
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Released job {JobId} attempt {Attempt}: its lease request was abandoned")]
        public static partial void ReleasedUndelivered(ILogger logger, string jobId, int attempt);

        [LoggerMessage(2, LogLevel.Warning, "Could not release job {JobId} attempt {Attempt} after its lease request was abandoned; the reaper will requeue it")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception, string jobId, int attempt);
    }
}
