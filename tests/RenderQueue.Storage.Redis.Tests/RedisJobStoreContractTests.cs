using RenderQueue.Storage.Contract;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>The definition of a store, run unchanged against a real redis-server.</summary>
public sealed class RedisJobStoreContractTests(RedisStoreFixture fixture) : JobStoreContract<RedisStoreFixture>(fixture);
