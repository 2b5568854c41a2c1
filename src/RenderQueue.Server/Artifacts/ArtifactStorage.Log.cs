namespace RenderQueue.Server.Artifacts;

internal sealed partial class ArtifactStorage
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not delete {Path}")]
        public static partial void DeleteFailed(ILogger logger, Exception exception, string path);

        [LoggerMessage(2, LogLevel.Warning, "Not deleting artifacts of '{JobId}': it is not a job id")]
        public static partial void NotAJobId(ILogger logger, string jobId);
    }
}
