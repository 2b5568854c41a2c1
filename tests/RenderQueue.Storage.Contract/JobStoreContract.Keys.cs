using RenderQueue.Core.Keys;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    private static ApiKeyRecord NewKey(string id, ApiKeyRole role = ApiKeyRole.Worker) => new()
    {
        Id = id,
        Name = "key " + id,
        Role = role,
        Hash = new string('a', 63) + id[^1],
    };

    [Fact]
    public async Task An_api_key_is_stored_with_the_store_clock_and_found_by_id()
    {
        var created = await Store.CreateApiKeyAsync(NewKey("k1", ApiKeyRole.Admin), None);
        var found = await Store.GetApiKeyAsync("k1", None);

        Assert.Equal(Time.GetUtcNow(), created.CreatedAt);
        Assert.Equal(created, found);
        Assert.Equal(ApiKeyRole.Admin, found!.Role);
        Assert.True(found.IsActive);
        Assert.Null(await Store.GetApiKeyAsync("k2", None));
    }

    [Fact]
    public async Task Api_keys_are_listed_oldest_first_with_revoked_ones()
    {
        await Store.CreateApiKeyAsync(NewKey("k1"), None);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.CreateApiKeyAsync(NewKey("k2", ApiKeyRole.Submit), None);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.RevokeApiKeyAsync("k1", None);

        var keys = await Store.ListApiKeysAsync(None);

        Assert.Equal(["k1", "k2"], keys.Select(k => k.Id));
        Assert.Equal(Time.GetUtcNow(), keys[0].RevokedAt);
        Assert.True(keys[1].IsActive);
    }

    [Fact]
    public async Task Revoking_a_key_again_keeps_the_first_revocation()
    {
        await Store.CreateApiKeyAsync(NewKey("k1"), None);
        var first = await Store.RevokeApiKeyAsync("k1", None);
        Time.Advance(TimeSpan.FromHours(1));

        var second = await Store.RevokeApiKeyAsync("k1", None);

        Assert.False(first.IsActive);
        Assert.Equal(first.RevokedAt, second.RevokedAt);
        await Assert.ThrowsAsync<ApiKeyNotFoundException>(() => Store.RevokeApiKeyAsync("nobody", None));
    }

    [Fact]
    public async Task Api_keys_survive_a_restart()
    {
        await Store.CreateApiKeyAsync(NewKey("k1"), None);
        await Store.RevokeApiKeyAsync("k1", None);
        await Store.CreateApiKeyAsync(NewKey("k2"), None);

        Reopen();

        var keys = await Store.ListApiKeysAsync(None);
        Assert.Equal(["k1", "k2"], keys.Select(k => k.Id));
        Assert.False(keys[0].IsActive);
        Assert.Equal(NewKey("k2").Hash, keys[1].Hash);
    }
}
