using System.Text.Json;

namespace RenderQueue.Worker.Runtime.Runners;

/// <summary>
/// Runs one attempt of a job of one type. A runner reports progress and output files through the
/// <see cref="JobRun"/> it is given, returns the job's result, and fails by throwing
/// <see cref="JobFailedException"/>. When <c>cancellationToken</c> fires (cancel asked, lease lost, timeout,
/// stall, drain) it stops its backend's work and throws <see cref="OperationCanceledException"/>; the agent
/// knows why it canceled and reports that.
/// </summary>
public interface IJobRunner
{
    /// <summary>The job type this runner executes, e.g. <c>comfyui</c>.</summary>
    string Type { get; }

    /// <summary>Runs the job; the result is stored with the job (null for none).</summary>
    Task<JsonElement?> RunAsync(JobRun run, CancellationToken cancellationToken);
}
