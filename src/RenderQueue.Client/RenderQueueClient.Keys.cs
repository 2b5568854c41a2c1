using RenderQueue.Core.Api;
using RenderQueue.Core.Keys;

namespace RenderQueue.Client;

public sealed partial class RenderQueueClient
{
    /// <summary>Creates an API key (admin only). The answer holds the key itself; it is never shown again.</summary>
    public Task<CreatedApiKey> CreateKeyAsync(string name, ApiKeyRole role, CancellationToken cancellationToken = default) =>
        PostAsync<CreatedApiKey>("api/v1/keys", new CreateApiKeyRequest { Name = name, Role = role }, cancellationToken);

    /// <summary>Every API key, revoked ones too (admin only); ids, names and roles, never the keys.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync<ItemsResponse<ApiKeyInfo>>("api/v1/keys", cancellationToken)).Items;

    /// <summary>Revokes an API key by its id (admin only); every server refuses it within seconds.</summary>
    public Task<ApiKeyInfo> RevokeKeyAsync(string id, CancellationToken cancellationToken = default) =>
        PostAsync<ApiKeyInfo>($"api/v1/keys/{Escape(id)}/revoke", null, cancellationToken);
}
