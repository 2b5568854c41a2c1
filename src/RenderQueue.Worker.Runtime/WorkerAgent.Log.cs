using Microsoft.Extensions.Logging;

namespace RenderQueue.Worker.Runtime;

public sealed partial class WorkerAgent
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Registered as {WorkerId} with {Server}: types [{Types}], GPUs [{Gpus}], models [{Models}], labels [{Labels}], slots {Concurrency}, backends [{Backends}]")]
        public static partial void Registered(ILogger logger, string workerId, Uri server, string types, string gpus, string models, string labels, int concurrency, string backends);

        [LoggerMessage(2, LogLevel.Warning, "The server {Server} is unreachable ({Reason}); trying again in {Delay}")]
        public static partial void ServerUnreachable(ILogger logger, Uri server, TimeSpan delay, string reason);

        [LoggerMessage(3, LogLevel.Critical, "The server refused the registration: {Reason}")]
        public static partial void RegistrationRefused(ILogger logger, string reason);

        [LoggerMessage(4, LogLevel.Warning, "The server does not know this worker; registering again")]
        public static partial void Unknown(ILogger logger);

        [LoggerMessage(5, LogLevel.Warning, "Leasing failed ({Reason}); trying again in {Delay}")]
        public static partial void LeaseFailed(ILogger logger, TimeSpan delay, string reason);

        [LoggerMessage(6, LogLevel.Information, "Draining: waiting up to {Grace} for {Count} running jobs")]
        public static partial void Draining(ILogger logger, int count, TimeSpan grace);

        [LoggerMessage(7, LogLevel.Warning, "Job {JobId} did not finish within the drain grace period; releasing it to the queue")]
        public static partial void Releasing(ILogger logger, string jobId);

        [LoggerMessage(8, LogLevel.Warning, "Heartbeat failed: {Reason}")]
        public static partial void HeartbeatFailed(ILogger logger, string reason);

        [LoggerMessage(9, LogLevel.Information, "The server asks this worker to drain: {DrainRequested}")]
        public static partial void DrainRequested(ILogger logger, bool drainRequested);

        [LoggerMessage(10, LogLevel.Information, "Job {JobId} released to the queue before it started: {Reason}")]
        public static partial void ReleasedUnstarted(ILogger logger, string jobId, string reason);

        [LoggerMessage(11, LogLevel.Warning, "Job {JobId} could not be released ({Reason}); its lease will expire")]
        public static partial void ReleaseFailed(ILogger logger, string jobId, string reason);

        [LoggerMessage(12, LogLevel.Information, "A backend went down while the lease call waited; offering the remaining slots again")]
        public static partial void LeaseWithdrawn(ILogger logger);
    }
}
