using System.Text.Json;

namespace RenderQueue.Core.Jobs;

/// <summary>A validated job ready to enqueue, with every default already applied.</summary>
public sealed record NewJob
{
    public required string Id { get; init; }
    public required string Queue { get; init; }
    public required string Type { get; init; }
    public required JsonElement Payload { get; init; }
    public int Priority { get; init; }
    public JobRequirements Requirements { get; init; } = JobRequirements.None;
    public JsonElement? Metadata { get; init; }
    public string? IdempotencyKey { get; init; }
    public int MaxAttempts { get; init; } = 3;
    public TimeSpan? Timeout { get; init; }
    public DateTimeOffset? RunAt { get; init; }
    public string? BatchKey { get; init; }
    public string? Webhook { get; init; }
    public string? TraceParent { get; init; }
    public string? TraceState { get; init; }
}

/// <summary>What enqueueing one job did.</summary>
/// <param name="Job">The stored job.</param>
/// <param name="Created">False when an idempotency key matched an existing job, which is returned instead.</param>
public sealed record EnqueueResult(Job Job, bool Created);
