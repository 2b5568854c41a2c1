using System.Text.Json;
using System.Text.Json.Serialization;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;

namespace RenderQueue.Core.Api;

/// <summary>The reply to <c>POST /api/v1/workers/register</c>: the worker's id and the timings to keep.</summary>
public sealed record RegisterWorkerResponse(WorkerInfo Worker, TimeSpan LeaseDuration, TimeSpan HeartbeatInterval);

/// <summary>The reply to a heartbeat.</summary>
public sealed record HeartbeatResponse(bool DrainRequested);

/// <summary>The body of <c>POST /api/v1/leases</c>: a long-poll for up to <c>max_jobs</c> jobs.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LeaseJobsRequest
{
    public string? WorkerId { get; init; }

    /// <summary>Default 1.</summary>
    public int MaxJobs { get; init; } = 1;

    /// <summary>Seconds to wait for a job when none is ready, at most 30. Default 0: answer at once.</summary>
    public TimeSpan Wait { get; init; }

    /// <summary>Free VRAM now, in MiB, when it changed since the last heartbeat. Read as one GPU; older workers send
    /// it, newer ones send <see cref="GpusFree"/>.</summary>
    public long? FreeVramMb { get; init; }

    /// <summary>One entry per free slot: the GPU it runs on and, for workers with backends, which backend. Each leased
    /// job is placed on one of them (its <c>assigned_gpu</c>). Null: <see cref="MaxJobs"/> slots on no particular GPU.</summary>
    public IReadOnlyList<FreeGpuSlot>? GpusFree { get; init; }
}

/// <summary>A free slot offered in a lease request: a GPU (by its index in the worker's registration), what
/// <c>nvidia-smi</c> reports free on it (informational: VRAM is matched against the GPU's total minus what the jobs
/// placed on it reserve, since a backend holding a warm model reports little free), and the backend that would run
/// the job, when the worker has backends.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record FreeGpuSlot(int Index, long? VramFreeMb = null, string? Backend = null);

/// <summary>The reply to a lease: the jobs (possibly none) and how long their leases last.</summary>
public sealed record LeaseJobsResponse(IReadOnlyList<Job> Jobs, TimeSpan LeaseDuration);

/// <summary>The body of <c>POST /api/v1/leases/{job_id}/renew</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RenewLeaseRequest(int Attempt, JobProgress? Progress = null);

/// <summary>The reply to a renew: the new expiry and whether to stop because the job was canceled.</summary>
public sealed record RenewLeaseResponse(DateTimeOffset LeaseExpiresAt, bool CancelRequested);

/// <summary>The body of <c>POST /api/v1/leases/{job_id}/complete</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CompleteLeaseRequest(int Attempt, JsonElement? Result = null);

/// <summary>
/// The body of <c>POST /api/v1/leases/complete</c>: several leased jobs completed in one call, as a worker that
/// leased a batch finishes it. Each is fenced by its own attempt and succeeds or is refused on its own.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CompleteLeasesRequest(IReadOnlyList<LeaseCompletion>? Completions);

/// <summary>One job of a batch complete: its id, the attempt it was leased with and its result.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LeaseCompletion(string? JobId, int Attempt, JsonElement? Result = null);

/// <summary>The reply to a batch complete: one outcome per completion, in the order sent.</summary>
public sealed record CompleteLeasesResponse(IReadOnlyList<LeaseCompletionOutcome> Results);

/// <summary>
/// What became of one completion: the job's <see cref="State"/> (<c>succeeded</c>) when it was applied, else the
/// <see cref="Error"/> a single complete of it would have answered (404 unknown job, 409 stale attempt, 503 store
/// unavailable).
/// </summary>
public sealed record LeaseCompletionOutcome(string JobId, int Attempt, JobState? State, LeaseCompletionError? Error);

/// <summary>Why one completion of a batch was refused: the status, title and detail of the problem.</summary>
public sealed record LeaseCompletionError(int Status, string Title, string Detail, string Type);

/// <summary>The body of <c>POST /api/v1/leases/{job_id}/fail</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record FailLeaseRequest(int Attempt, JobError? Error, bool Retryable = true);

/// <summary>The body of <c>POST /api/v1/leases/{job_id}/release</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ReleaseLeaseRequest(int Attempt, string? Reason = null);
