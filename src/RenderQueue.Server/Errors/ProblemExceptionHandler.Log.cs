namespace RenderQueue.Server.Errors;

internal sealed partial class ProblemExceptionHandler
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Unhandled exception on {Method} {Path}")]
        public static partial void UnhandledException(ILogger logger, Exception exception, string method, string path);

        [LoggerMessage(2, LogLevel.Debug, "The client of {Path} went away before the answer")]
        public static partial void RequestAborted(ILogger logger, string path);

        [LoggerMessage(3, LogLevel.Warning, "{Method} {Path} answered 503: {Reason}")]
        public static partial void StoreUnavailable(ILogger logger, string method, string path, string reason);
    }
}
