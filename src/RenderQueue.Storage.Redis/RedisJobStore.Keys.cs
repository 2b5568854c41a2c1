using RenderQueue.Core.Keys;

namespace RenderQueue.Storage.Redis;

public sealed partial class RedisJobStore
{
    public async Task<ApiKeyRecord> CreateApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.KeyCreate, [key.Id, key.Name, key.Role.ToWire(), key.Hash], cancellationToken);
        if (reply.Status == "exists") throw new InvalidOperationException($"An API key with id '{key.Id}' already exists.");
        return WebhookHash.ReadKey(reply.Value);
    }

    public async Task<ApiKeyRecord?> GetApiKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.KeyGet, [keyId], cancellationToken);
        return reply.IsNotFound ? null : WebhookHash.ReadKey(reply.Value);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken) =>
        [.. (await RunAsync(_scripts.KeyList, [], cancellationToken)).Items.Select(WebhookHash.ReadKey)];

    public async Task<ApiKeyRecord> RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.KeyRevoke, [keyId], cancellationToken);
        return reply.IsNotFound ? throw new ApiKeyNotFoundException(keyId) : WebhookHash.ReadKey(reply.Value);
    }
}
