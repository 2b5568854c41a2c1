namespace RenderQueue.Server.Background;

internal sealed partial class LeaseReaper
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Reaped {Count} expired leases")]
        public static partial void Reaped(ILogger logger, int count);
    }
}
