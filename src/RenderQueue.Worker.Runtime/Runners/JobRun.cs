using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Worker.Runtime.Runners;

/// <summary>One attempt of one job as a runner sees it: its input and where its progress and outputs go.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="Attempt">The attempt number (the lease's fencing token).</param>
/// <param name="Payload">The job's payload, in the runner's own format.</param>
/// <param name="Progress">Where progress goes; reports may be frequent, the agent throttles what it sends.</param>
/// <param name="Artifacts">Where output files go; each call uploads one file before it returns.</param>
public sealed record JobRun(
    string JobId,
    int Attempt,
    JsonElement Payload,
    IProgress<JobProgress> Progress,
    IArtifactSink Artifacts)
{
    /// <summary>
    /// The backend the agent chose for this run (a free, healthy one, on the job's <c>assigned_gpu</c>), for runners
    /// with backends; null when the runner is called without the agent (it then picks one itself).
    /// </summary>
    public Backends.BackendSlot? Backend { get; init; }
}
