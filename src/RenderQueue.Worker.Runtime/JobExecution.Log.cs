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

        [LoggerMessage(5, LogLevel.Warning, "Job {JobId}: renew failed ({Reason}); trying again")]
        public static partial void RenewFailed(ILogger logger, string jobId, string reason);

        [LoggerMessage(6, LogLevel.Error, "Job {JobId}: the server refused a renew: {Reason}")]
        public static partial void RenewRefused(ILogger logger, string jobId, string reason);

        [LoggerMessage(7, LogLevel.Debug, "Job {JobId}: uploaded artifact {Name} ({Bytes} bytes)")]
        public static partial void ArtifactUploaded(ILogger logger, string jobId, string name, long bytes);

        [LoggerMessage(8, LogLevel.Warning, "Job {JobId}: uploading {Name} failed ({Reason}); trying again in {Delay}")]
        public static partial void UploadRetry(ILogger logger, string jobId, string name, TimeSpan delay, string reason);

        [LoggerMessage(9, LogLevel.Warning, "Job {JobId}: reporting the outcome failed ({Reason}); trying again in {Delay}")]
        public static partial void ReportRetry(ILogger logger, string jobId, TimeSpan delay, string reason);

        [LoggerMessage(10, LogLevel.Warning, "Job {JobId} attempt {Attempt}: the server no longer takes this attempt's outcome ({Reason})")]
        public static partial void OutcomeRefused(ILogger logger, string jobId, int attempt, string reason);

        [LoggerMessage(11, LogLevel.Error, "Job {JobId}: the server rejected the outcome: {Reason}")]
        public static partial void OutcomeRejected(ILogger logger, string jobId, string reason);

        [LoggerMessage(12, LogLevel.Information, "Job {JobId} attempt {Attempt}: abandoned, another attempt owns it")]
        public static partial void Abandoned(ILogger logger, string jobId, int attempt);

        [LoggerMessage(13, LogLevel.Error, "Job {JobId}: the {Type} runner threw unexpectedly")]
        public static partial void RunnerCrashed(ILogger logger, string jobId, string type, Exception exception);
    }
}
