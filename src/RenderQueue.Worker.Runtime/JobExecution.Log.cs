using Microsoft.Extensions.Logging;

namespace RenderQueue.Worker.Runtime;

internal sealed partial class JobExecution
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Job {JobId} attempt {Attempt}: running ({Type})")]
        public static partial void Started(ILogger logger, string jobId, int attempt, string type);

        [LoggerMessage(2, LogLevel.Information, "Job {JobId} attempt {Attempt}: reported its {Outcome}; the job is now {State}")]
        public static partial void Reported(ILogger logger, string jobId, int attempt, string outcome, string state);

        [LoggerMessage(3, LogLevel.Warning, "Job {JobId} attempt {Attempt}: the lease is lost ({Reason}); stopping it at once")]
        public static partial void LeaseLost(ILogger logger, string jobId, int attempt, string reason);

        [LoggerMessage(4, LogLevel.Information, "Job {JobId}: cancel requested; stopping the runner")]
        public static partial void CancelRequested(ILogger logger, string jobId);

        /// <summary>A call to the server failed in a way that may pass (an outage, a timeout): it is made again.</summary>
        [LoggerMessage(5, LogLevel.Warning, "Job {JobId}: {Call} failed ({Reason}); trying again in {Delay}")]
        public static partial void CallRetry(ILogger logger, string jobId, string call, TimeSpan delay, string reason);

        /// <summary>The server refused a call for good (a 400-class answer other than 404/409): it is not made again.</summary>
        [LoggerMessage(6, LogLevel.Error, "Job {JobId}: the server refused {Call}: {Reason}")]
        public static partial void CallRefused(ILogger logger, string jobId, string call, string reason);

        [LoggerMessage(7, LogLevel.Debug, "Job {JobId}: uploaded artifact {Name} ({Bytes} bytes)")]
        public static partial void ArtifactUploaded(ILogger logger, string jobId, string name, long bytes);

        [LoggerMessage(10, LogLevel.Warning, "Job {JobId} attempt {Attempt}: the server no longer takes this attempt's outcome ({Reason})")]
        public static partial void OutcomeRefused(ILogger logger, string jobId, int attempt, string reason);

        [LoggerMessage(12, LogLevel.Information, "Job {JobId} attempt {Attempt}: abandoned, another attempt owns it")]
        public static partial void Abandoned(ILogger logger, string jobId, int attempt);

        [LoggerMessage(13, LogLevel.Error, "Job {JobId}: the {Type} runner threw unexpectedly")]
        public static partial void RunnerCrashed(ILogger logger, string jobId, string type, Exception exception);

        [LoggerMessage(14, LogLevel.Warning, "Job {JobId}: backend {Backend} was unavailable before the job started ({Reason}); releasing it to the queue")]
        public static partial void BackendUnavailable(ILogger logger, string jobId, string backend, string reason);
    }
}
