using System.Text.Json;

namespace RenderQueue.Core.Jobs;

/// <summary>Why an attempt failed.</summary>
/// <param name="Message">What went wrong, for people.</param>
/// <param name="Class">A machine-readable class; see <see cref="ErrorClasses"/>.</param>
/// <param name="Details">Anything structured the runner wants to keep (e.g. ComfyUI node errors).</param>
public sealed record JobError(string Message, string Class = ErrorClasses.Error, JsonElement? Details = null);

/// <summary>The error classes RenderQueue itself assigns. Runners may use others.</summary>
public static class ErrorClasses
{
    /// <summary>Anything not more specific.</summary>
    public const string Error = "error";
    /// <summary>The GPU ran out of memory.</summary>
    public const string OutOfMemory = "oom";
    /// <summary>The job ran past its <c>timeout</c>.</summary>
    public const string Timeout = "timeout";
    /// <summary>The payload can never succeed (e.g. a workflow that fails validation).</summary>
    public const string InvalidInput = "invalid_input";
    /// <summary>The lease expired, or the backend forgot the job: the worker or its backend died.</summary>
    public const string Lost = "lost";
    /// <summary>The runner reported no progress for too long.</summary>
    public const string Stalled = "stalled";
    /// <summary>The job was canceled while it ran.</summary>
    public const string Canceled = "canceled";
    /// <summary>A worker gave the job back unfinished (drain); no attempt is charged.</summary>
    public const string Released = "released";
}
