using System.Text.Json;
using System.Text.Json.Serialization;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Api;

/// <summary>The body of <c>POST /api/v1/jobs</c>. Only <c>type</c> and <c>payload</c> are required.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SubmitJobRequest
{
    /// <summary>Default <c>default</c>.</summary>
    public string? Queue { get; init; }
    public string? Type { get; init; }
    public JsonElement? Payload { get; init; }
    /// <summary>Higher runs first. Default 0.</summary>
    public int? Priority { get; init; }
    public JobRequirements? Requirements { get; init; }
    public JsonElement? Metadata { get; init; }
    /// <summary>Also accepted as the <c>Idempotency-Key</c> header.</summary>
    public string? IdempotencyKey { get; init; }
    /// <summary>Default 3.</summary>
    public int? MaxAttempts { get; init; }
    /// <summary>Seconds one attempt may run; none by default.</summary>
    public TimeSpan? Timeout { get; init; }
    public DateTimeOffset? RunAt { get; init; }
    public string? BatchKey { get; init; }
    public string? Webhook { get; init; }
}

/// <summary>The body of <c>POST /api/v1/jobs/batch</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SubmitBatchRequest
{
    public IReadOnlyList<SubmitJobRequest>? Jobs { get; init; }
}

/// <summary>The reply to a batch submit: every job, in the order submitted.</summary>
public sealed record SubmitBatchResponse(IReadOnlyList<Job> Items);
