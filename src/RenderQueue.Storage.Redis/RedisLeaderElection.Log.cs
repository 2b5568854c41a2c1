using Microsoft.Extensions.Logging;

namespace RenderQueue.Storage.Redis;

public sealed partial class RedisLeaderElection
{
    private static partial class Log
    {
        [LoggerMessage(301, LogLevel.Information,
            "Node {Node} is now the leader (fencing token {Token}, lease {LeaseSeconds} s): the run-once services run here")]
        public static partial void Leading(ILogger logger, string node, long token, double leaseSeconds);

        [LoggerMessage(302, LogLevel.Warning, "Node {Node} is no longer the leader (fencing token {Token}): {Reason}")]
        public static partial void NoLongerLeading(ILogger logger, string node, long token, string reason);

        [LoggerMessage(303, LogLevel.Information, "Node {Node} follows the leader {Leader} (fencing token {Token})")]
        public static partial void Following(ILogger logger, string node, string leader, long token);

        [LoggerMessage(304, LogLevel.Information, "Node {Node} gave up the leader role (fencing token {Token}) as it stops")]
        public static partial void Released(ILogger logger, string node, long token);

        [LoggerMessage(305, LogLevel.Warning, "Node {Node} could not release the leader role (fencing token {Token}); it expires on its own")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception, string node, long token);

        [LoggerMessage(306, LogLevel.Warning, "Node {Node} cannot reach Redis to {Action} ({Reason}); it keeps trying")]
        public static partial void Unreachable(ILogger logger, string node, string action, string reason);
    }
}
