namespace RenderQueue.Server.Artifacts;

internal sealed partial class ArtifactStorage
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not delete {Path}")]
        public static partial void DeleteFailed(ILogger logger, Exception exception, string path);
    }
}
