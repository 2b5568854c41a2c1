namespace RenderQueue.Server.Events;

internal sealed partial class EventSocketSession
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "An events socket ended abruptly")]
        public static partial void SocketFailed(ILogger logger, Exception exception);
    }
}
