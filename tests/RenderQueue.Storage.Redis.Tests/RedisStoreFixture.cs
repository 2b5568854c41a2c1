using RenderQueue.Core.Storage;
using RenderQueue.Storage.Contract;
using RenderQueue.Testing;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>
/// One real redis-server for a test class, started here and killed after; every store gets its own key
/// prefix on it, so tests never see each other's data.
/// </summary>
public sealed class RedisStoreFixture : IJobStoreFixture, IDisposable
{
    public RedisStoreFixture()
    {
        Server = RedisServerProcess.Start();
        Connection = RedisConnection.Connect(new RedisStoreOptions { Configuration = Server.Configuration });
    }

    public RedisServerProcess Server { get; }

    public ConnectionMultiplexer Connection { get; }

    public IJobStore CreateStore(TimeProvider time, JobStoreOptions options) => Open(NewPrefix(), time, options);

    public IJobStore Reopen(IJobStore store, TimeProvider time, JobStoreOptions options)
    {
        var redis = (RedisJobStore)store;
        redis.Dispose();
        return Open(redis.KeyPrefix, time, options);
    }

    public RedisJobStore Open(string prefix, TimeProvider time, JobStoreOptions? options = null, IConnectionMultiplexer? connection = null) =>
        new(connection ?? Connection, new RedisStoreOptions { Configuration = Server.Configuration, KeyPrefix = prefix, Store = options ?? new JobStoreOptions() }, time);

    public static string NewPrefix() => $"t{Guid.NewGuid():N}";

    public void Dispose()
    {
        Connection.Dispose();
        Server.Dispose();
    }
}
