using System.Text.Json.Serialization;

namespace RenderQueue.Core.Jobs;

/// <summary>What a worker must have to run a job, beyond running its type.</summary>
/// <param name="Labels">Every label must be among the worker's labels (e.g. <c>region=eu</c>, <c>nvme</c>).</param>
/// <param name="Models">Every model must be installed on the worker (e.g. a checkpoint file name).</param>
/// <param name="MinVramMb">VRAM the job needs on one GPU, in MiB: that GPU's total minus what the jobs already placed
/// on it reserve must be at least this.</param>
/// <param name="VramAboveMb">The job needs a GPU whose total VRAM is more than this, in MiB. Set by an <c>oom</c>
/// failure to the total of the GPU it ran out of memory on, so the retry goes to a larger GPU, never the same one.</param>
public sealed record JobRequirements(
    IReadOnlyList<string>? Labels = null,
    IReadOnlyList<string>? Models = null,
    long? MinVramMb = null,
    long? VramAboveMb = null)
{
    /// <summary>Requirements that every worker meets.</summary>
    public static JobRequirements None { get; } = new();

    /// <summary>True when there is nothing to check beyond the job type.</summary>
    [JsonIgnore]
    public bool IsEmpty => (Labels is null || Labels.Count == 0) && (Models is null || Models.Count == 0) && MinVramMb is null && VramAboveMb is null;

    /// <summary>Whether a worker with these capabilities may run the job.</summary>
    public bool IsMetBy(WorkerCapabilities worker)
    {
        if (IsEmpty) return true;
        if (Labels is not null && !Labels.All(worker.HasLabel)) return false;
        if (Models is not null && !Models.All(worker.HasModel)) return false;
        return MinVramMb is not { } need || worker.FreeVramMb is { } free && free >= need;
    }
}

/// <summary>What a worker offers at lease time: its labels, installed models and free VRAM.</summary>
public sealed record WorkerCapabilities(
    IReadOnlyCollection<string> Labels,
    IReadOnlyCollection<string> Models,
    long? FreeVramMb)
{
    /// <summary>A worker with no labels, no models and unknown VRAM.</summary>
    public static WorkerCapabilities Bare { get; } = new([], [], null);

    /// <summary>Labels compare ordinally (they are identifiers).</summary>
    public bool HasLabel(string label) => Labels.Contains(label, StringComparer.Ordinal);

    /// <summary>Model names compare case-insensitively: file systems and UIs disagree on case.</summary>
    public bool HasModel(string model) => Models.Contains(model, StringComparer.OrdinalIgnoreCase);
}
