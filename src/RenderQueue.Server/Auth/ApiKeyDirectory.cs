using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Configuration;

namespace RenderQueue.Server.Auth;

/// <summary>
/// The keys every node shares, read from the store and remembered for <see cref="AuthOptions.KeyCacheDuration"/>, so
/// a request does not cost a store read while a revocation anywhere still takes effect within seconds. Changes made
/// through this node take effect here at once.
/// </summary>
internal sealed class ApiKeyDirectory(IJobStore store, TimeProvider time, IOptions<AuthOptions> options)
{
    /// <summary>Lookups remembered at most; past it the cache starts over (a flood of made-up ids cannot grow it).</summary>
    private const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<string, Remembered<ApiKeyRecord?>> _keys = new(StringComparer.Ordinal);
    private readonly TimeSpan _ttl = options.Value.KeyCacheDuration;
    private Remembered<bool>? _anyActive;

    /// <summary>The key with this id, revoked or not; null when there is none.</summary>
    public async Task<ApiKeyRecord?> FindAsync(string id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_keys.TryGetValue(id, out var remembered) && remembered.Until > now) return remembered.Value;
        var key = await store.GetApiKeyAsync(id, ct);
        if (_keys.Count >= MaxRemembered) _keys.Clear();
        _keys[id] = new(key, now + _ttl);
        return key;
    }

    /// <summary>Whether any key is active: without one, the server answers direct local requests only, keyless.</summary>
    public async Task<bool> AnyActiveAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_anyActive is { } remembered && remembered.Until > now) return remembered.Value;
        var any = (await store.ListApiKeysAsync(ct)).Any(k => k.IsActive);
        _anyActive = new(any, now + _ttl);
        return any;
    }

    /// <summary>Creates a key; the returned text is the only time it exists outside the caller.</summary>
    public async Task<(ApiKeyRecord Record, string Key)> CreateAsync(string name, ApiKeyRole role, CancellationToken ct)
    {
        var (id, key) = ApiKeyText.New();
        var record = await store.CreateApiKeyAsync(new ApiKeyRecord { Id = id, Name = name, Role = role, Hash = ApiKeyText.Hash(key) }, ct);
        _keys.TryRemove(id, out _);
        _anyActive = null;
        return (record, key);
    }

    public async Task<ApiKeyRecord> RevokeAsync(string id, CancellationToken ct)
    {
        var revoked = await store.RevokeApiKeyAsync(id, ct);
        _keys.TryRemove(id, out _);
        _anyActive = null;
        return revoked;
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken ct) => store.ListApiKeysAsync(ct);

    private sealed record Remembered<T>(T Value, DateTimeOffset Until);
}
