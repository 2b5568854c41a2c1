using System.Text.Json.Serialization;

namespace RenderQueue.Core.Api;

/// <summary>The optional body of <c>POST /api/v1/jobs/{id}/cancel</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CancelJobRequest(string? Reason = null);

/// <summary>The body of <c>POST /api/v1/jobs/{id}/flag</c>: why the output must be rendered again.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record FlagJobRequest(string? Reason);

/// <summary>The body of <c>PATCH /api/v1/jobs/{id}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PatchJobRequest(int? Priority);
