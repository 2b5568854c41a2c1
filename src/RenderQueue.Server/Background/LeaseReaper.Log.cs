namespace RenderQueue.Server.Background;

internal sealed partial class LeaseReaper
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Reaped {Count} expired leases")]
        public static partial void Reaped(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Error, "Reaping expired leases failed; trying again at the next interval")]
        public static partial void ReapFailed(ILogger logger, Exception exception);

        [LoggerMessage(3, LogLevel.Warning, "Cannot reap expired leases now: {Reason}; trying again")]
        public static partial void StoreUnavailable(ILogger logger, string reason);
    }
}
