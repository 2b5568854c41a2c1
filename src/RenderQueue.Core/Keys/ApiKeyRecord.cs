namespace RenderQueue.Core.Keys;

/// <summary>
/// An API key as a store keeps it: never the key itself, only the SHA-256 of it. The key's <see cref="Id"/> is part
/// of the key text, so a presented key is found by id and its hash compared in constant time.
/// </summary>
public sealed record ApiKeyRecord
{
    /// <summary>Public, unique, part of the key (<c>rq_{id}_{secret}</c>); safe to log and show.</summary>
    public required string Id { get; init; }

    /// <summary>Who or what holds the key, e.g. <c>gpu-box-1</c>.</summary>
    public required string Name { get; init; }

    public required ApiKeyRole Role { get; init; }

    /// <summary>Lowercase hex SHA-256 of the whole key text.</summary>
    public required string Hash { get; init; }

    /// <summary>Set by the store from its clock when the key is created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the key was revoked; a revoked key authenticates nothing.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Not revoked.</summary>
    public bool IsActive => RevokedAt is null;
}
