using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Worker.Runtime.Runners;

/// <summary>A runner's typed failure: what the agent reports with <c>fail</c>.</summary>
public sealed class JobFailedException : Exception
{
    public JobFailedException(JobError error, bool retryable, Exception? innerException = null)
        : base(error.Message, innerException)
    {
        Error = error;
        Retryable = retryable;
    }

    /// <summary>The error stored with the job: message, class and details.</summary>
    public JobError Error { get; }

    /// <summary>Whether another attempt may succeed.</summary>
    public bool Retryable { get; }

    /// <summary>The payload can never succeed; not retried.</summary>
    public static JobFailedException InvalidInput(string message, JsonElement? details = null) =>
        new(new JobError(message, ErrorClasses.InvalidInput, details), retryable: false);

    /// <summary>The GPU ran out of memory; retried (perhaps on a bigger GPU).</summary>
    public static JobFailedException OutOfMemory(string message, JsonElement? details = null) =>
        new(new JobError(message, ErrorClasses.OutOfMemory, details), retryable: true);

    /// <summary>The backend forgot the job (it restarted or crashed); retried.</summary>
    public static JobFailedException Lost(string message, Exception? innerException = null) =>
        new(new JobError(message, ErrorClasses.Lost), retryable: true, innerException);

    /// <summary>Anything else that went wrong while running: class <c>error</c>.</summary>
    public static JobFailedException Other(string message, bool retryable = true, JsonElement? details = null, Exception? innerException = null) =>
        new(new JobError(message, ErrorClasses.Error, details), retryable, innerException);
}
