using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Keys;

/// <summary>No API key has this id.</summary>
public sealed class ApiKeyNotFoundException(string keyId) : JobStoreException($"API key '{keyId}' was not found.")
{
    public string KeyId { get; } = keyId;
}
