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

    /// <summary>True when the job needs something of the GPU it is placed on.</summary>
    [JsonIgnore]
    public bool NeedsGpu => MinVramMb is not null || VramAboveMb is not null;

    /// <summary>Whether a worker with these capabilities may run the job, its free VRAM read as one GPU that holds
    /// at least that much (an older worker's single reading: see <see cref="WorkerCapabilities.FreeVramMb"/>).</summary>
    public bool IsMetBy(WorkerCapabilities worker) =>
        IsEmpty || IsMetByWorker(worker) && (!NeedsGpu || worker.FreeVramMb is { } free && FitsGpu(free, free));

    /// <summary>Whether the worker has every label and model the job needs (its hard requirements, GPU aside).</summary>
    public bool IsMetByWorker(WorkerCapabilities worker) =>
        (Labels is null || Labels.All(worker.HasLabel)) && (Models is null || Models.All(worker.HasModel));

    /// <summary>Whether one GPU of <paramref name="totalMb"/> with <paramref name="availableMb"/> not yet reserved by
    /// the jobs placed on it can take the job: its total above <see cref="VramAboveMb"/>, its available VRAM at least
    /// <see cref="MinVramMb"/>.</summary>
    public bool FitsGpu(long totalMb, long availableMb) =>
        (VramAboveMb is not { } above || totalMb > above) && (MinVramMb is not { } need || availableMb >= need);
}

/// <summary>What a worker offers at lease time: its labels, installed models and, from an older worker that names no
/// GPU slots, its free VRAM (read as one GPU: the jobs of one lease share it).</summary>
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
