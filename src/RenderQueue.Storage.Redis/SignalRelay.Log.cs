using Microsoft.Extensions.Logging;

namespace RenderQueue.Storage.Redis;

internal sealed partial class SignalRelay
{
    private static partial class Log
    {
        [LoggerMessage(101, LogLevel.Warning, "Could not subscribe to {Channel} yet; StackExchange.Redis subscribes again once connected")]
        public static partial void SubscribeFailed(ILogger logger, string channel, Exception error);

        [LoggerMessage(102, LogLevel.Error, "A store signal handler failed; the change itself was committed")]
        public static partial void SignalHandlerFailed(ILogger logger, Exception error);

        [LoggerMessage(103, LogLevel.Information, "Reconnected to Redis; {Channel} is subscribed again and {Queues} queues were woken")]
        public static partial void Resubscribed(ILogger logger, string channel, int queues);

        [LoggerMessage(104, LogLevel.Warning, "Reconnected to Redis, but waking parked leases failed; they re-check on their own")]
        public static partial void WakeAfterReconnectFailed(ILogger logger, Exception error);
    }
}
