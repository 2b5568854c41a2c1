using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Storage;

/// <summary>One job of a batch complete: the lease it is completed under and its result.</summary>
public sealed record CompletionRequest(LeaseToken Lease, JsonElement? Result = null);

/// <summary>
/// What became of one completion of a batch: the succeeded <see cref="Job"/>, or the <see cref="Refusal"/> a
/// single complete of it would have thrown (unknown job, stale attempt), having changed nothing.
/// </summary>
public sealed record CompletionResult(LeaseToken Lease, Job? Job, JobStoreException? Refusal);
