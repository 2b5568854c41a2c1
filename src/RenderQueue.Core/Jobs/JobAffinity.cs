using System.Text.Json;

namespace RenderQueue.Core.Jobs;

/// <summary>
/// The models a job would like warm: <c>requirements.models</c> plus, for a <c>comfyui</c> job, the models its
/// workflow's loader nodes name. Computed once at submit and kept by the store; they steer placement only (a worker
/// with one of them loaded is offered the job first), never filter it.
/// </summary>
public static class JobAffinity
{
    /// <summary>The job type whose payload is a ComfyUI workflow.</summary>
    public const string ComfyUiType = "comfyui";

    /// <summary>The distinct affinity models, folded with <see cref="Fold"/>; empty when there are none.</summary>
    public static IReadOnlyList<string> ModelsOf(string type, JsonElement payload, JobRequirements requirements)
    {
        IEnumerable<string> models = requirements.Models ?? [];
        if (string.Equals(type, ComfyUiType, StringComparison.Ordinal)) models = models.Concat(WorkflowModels.Of(payload));
        return [.. models.Select(Fold).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Model names compare case-insensitively (<see cref="WorkerCapabilities.HasModel"/>); stores keep them
    /// folded this way so they compare bytes.</summary>
    public static string Fold(string model) => model.ToUpperInvariant();
}
