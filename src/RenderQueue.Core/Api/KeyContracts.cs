using System.Text.Json.Serialization;
using RenderQueue.Core.Keys;

namespace RenderQueue.Core.Api;

/// <summary>The body of <c>POST /api/v1/keys</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateApiKeyRequest
{
    /// <summary>Who or what holds the key, e.g. <c>gpu-box-1</c>: 1–64 letters, digits or <c>_ . : = -</c>.</summary>
    public string? Name { get; init; }

    /// <summary><c>submit</c>, <c>worker</c> or <c>admin</c>.</summary>
    public ApiKeyRole? Role { get; init; }
}

/// <summary>An API key as lists show it: never the key, never its hash.</summary>
public sealed record ApiKeyInfo(string Id, string Name, ApiKeyRole Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyInfo From(ApiKeyRecord key) => new(key.Id, key.Name, key.Role, key.CreatedAt, key.RevokedAt);
}

/// <summary>The answer to creating a key: the only time <see cref="Key"/> is shown.</summary>
public sealed record CreatedApiKey(string Id, string Name, ApiKeyRole Role, DateTimeOffset CreatedAt, string Key);
