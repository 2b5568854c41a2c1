using System.Text.Json;
using System.Text.Json.Serialization;

namespace RenderQueue.Core.Jobs;

/// <summary>
/// A job as stored and as shown through the API. Immutable: transitions in <see cref="JobLifecycle"/>
/// return a changed copy, which a store then persists atomically.
/// </summary>
public sealed record Job
{
    /// <summary>Sortable, URL-safe id (see <see cref="JobId"/>).</summary>
    public required string Id { get; init; }

    /// <summary>The queue it was submitted to (default <c>default</c>).</summary>
    public required string Queue { get; init; }

    /// <summary>Which runner executes it: <c>comfyui</c>, <c>a1111</c>, <c>command</c>, <c>simulated</c>, …</summary>
    public required string Type { get; init; }

    /// <summary>The runner's input; opaque to the server.</summary>
    public required JsonElement Payload { get; init; }

    /// <summary>Higher runs first; equal priorities run in submit order.</summary>
    public int Priority { get; init; }

    /// <summary>What a worker needs beyond the job type.</summary>
    public JobRequirements Requirements { get; init; } = JobRequirements.None;

    /// <summary>Free-form JSON for people (e.g. traits of a generated image).</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>Submitting again with the same key returns this job instead of creating another.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Attempts allowed per run (a retry or a flag starts a new run).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Once <see cref="Attempt"/> reaches this number a failure is final.</summary>
    public int AttemptLimit { get; init; } = 3;

    /// <summary>Wall-clock limit of one attempt; none by default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Earliest time to run; also the end of a retry backoff while <see cref="JobState.Scheduled"/>.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>Jobs sharing a batch key are leased together by a worker that asks for several.</summary>
    public string? BatchKey { get; init; }

    /// <summary>URL notified when the job finishes.</summary>
    public string? Webhook { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the submit, so the worker's spans join the submitter's trace; null when
    /// the submit was not traced.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> that came with <see cref="TraceParent"/>, if any.</summary>
    public string? TraceState { get; init; }

    /// <summary>Current state.</summary>
    public JobState State { get; init; }

    /// <summary>Number of the current or last attempt, and the lease's fencing token. Never reused.</summary>
    public int Attempt { get; init; }

    /// <summary>Progress of the current or last attempt.</summary>
    public JobProgress? Progress { get; init; }

    /// <summary>What the worker returned on success.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Output files.</summary>
    public IReadOnlyList<ArtifactInfo> Artifacts { get; init; } = [];

    /// <summary>The last error.</summary>
    public JobError? Error { get; init; }

    /// <summary>Times workers gave the current run back unfinished (release); a retry or a flag starts again at 0.</summary>
    public int Releases { get; init; }

    /// <summary>Every attempt with its worker, times and outcome.</summary>
    public IReadOnlyList<JobAttempt> Attempts { get; init; } = [];

    /// <summary>The worker holding the lease while running.</summary>
    public string? WorkerId { get; init; }

    /// <summary>The GPU the running attempt was placed on; null when the worker named none.</summary>
    public AssignedGpu? AssignedGpu { get; init; }

    /// <summary>Why a job that could run is held back, for people: e.g. waiting for a GPU larger than the one it ran
    /// out of memory on. Null when it is not held.</summary>
    public string? WaitReason { get; init; }

    /// <summary>When the lease runs out unless renewed (store clock).</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>A cancel was asked for while running; the worker learns it from its next renew.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>Why the job was sent back for re-render, when it was.</summary>
    public string? FlagReason { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When it last entered <see cref="JobState.Queued"/>: the start of its current wait.</summary>
    public DateTimeOffset? QueuedAt { get; init; }

    /// <summary>When the current or last attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When a client downloaded the outputs (the render tracker's "done").</summary>
    public DateTimeOffset? CollectedAt { get; init; }

    /// <summary>1-based place among queued jobs of the same queue and type; only when queued, only on reads that compute it.</summary>
    public int? Position { get; init; }

    /// <summary>Estimated wait until it starts, from measured durations; only alongside <see cref="Position"/>.</summary>
    public TimeSpan? Eta { get; init; }

    /// <summary>The lease token a worker must present while this attempt runs.</summary>
    [JsonIgnore]
    public LeaseToken LeaseToken => new(Id, Attempt);
}
