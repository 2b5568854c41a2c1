using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;

namespace RenderQueue.Storage.Sqlite;

/// <summary>A ready job as a lease looks at it. Its requirements and affinity models are parsed only when asked for,
/// and only when it has any, so a job with neither costs no JSON.</summary>
internal sealed class LeaseCandidate(long seq, string queue, string type, long priority, long queuedAtMs, string? requirements, string? batchKey, string? affinity,
    long? offeredAtMs)
{
    private JobRequirements? _requirements;
    private string[]? _models;

    public long Seq => seq;
    public string Queue => queue;
    public string Type => type;
    public long Priority => priority;

    /// <summary>When it last became ready (Unix ms): how far warm-first may pass it.</summary>
    public long QueuedAtMs => queuedAtMs;

    /// <summary>When a cold slot was first offered it since it became ready (Unix ms), where its affinity hold
    /// starts; null while none was. Set by <see cref="AffinityRule"/> when this lease offers it.</summary>
    public long? OfferedAtMs { get; set; } = offeredAtMs;

    public string? BatchKey => batchKey;

    public JobRequirements Requirements => _requirements ??= requirements is null
        ? JobRequirements.None
        : JsonSerializer.Deserialize<JobRequirements>(requirements, RenderQueueJson.Compact)!;

    /// <summary>Its affinity models, folded (<see cref="JobAffinity.Fold"/>).</summary>
    public IReadOnlyList<string> Models => _models ??= affinity is null ? [] : JsonSerializer.Deserialize<string[]>(affinity)!;

    public bool HasModels => affinity is not null;
}
