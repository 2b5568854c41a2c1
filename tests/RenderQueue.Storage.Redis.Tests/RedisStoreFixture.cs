using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Storage.Contract;
using RenderQueue.Processes;
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
        _connection = Connect();
        Admin = ConnectionMultiplexer.Connect(Server.Configuration + ",allowAdmin=true");
    }

    public RedisServerProcess Server { get; }

    /// <summary>The connection stores share, as a server node's would be.</summary>
    public ConnectionMultiplexer Connection => _connection.Multiplexer;

    /// <summary>A connection for the tests' own CONFIG and INFO commands.</summary>
    public ConnectionMultiplexer Admin { get; }

    /// <summary>The Redis server itself, for CONFIG and INFO.</summary>
    public IServer AdminServer => Admin.GetServer(Admin.GetEndPoints()[0]);

    private readonly RedisConnection _connection;

    public IJobStore CreateStore(TimeProvider time, JobStoreOptions options) => Open(NewPrefix(), time, options);

    public IJobStore Reopen(IJobStore store, TimeProvider time, JobStoreOptions options)
    {
        var redis = (RedisJobStore)store;
        redis.Dispose();
        return Open(redis.KeyPrefix, time, options);
    }

    public Task MoveAsync(IJobStore store, string jobId, JobState state) =>
        ((RedisJobStore)store).TransitionAsync(
            """
            local j = load_job(arg(1))
            local prev = j.state
            set(j, 'state', arg(2))
            set(j, 'updated', ARGV[2])
            return reply('ok', apply(j, prev, nil))
            """, jobId, jobId, state.ToWire());

    public Task PlaceOnGpuAsync(IJobStore store, string jobId, AssignedGpu gpu) =>
        ((RedisJobStore)store).TransitionAsync(
            """
            local j = load_job(arg(1))
            set(j, 'gpu', arg(2))
            set(j, 'a' .. j.attempt .. ':gpu', arg(2))
            return reply('ok', apply(j, j.state, nil))
            """, jobId, jobId, System.Text.Json.JsonSerializer.Serialize(gpu, RenderQueue.Core.Json.RenderQueueJson.Compact));

    public RedisJobStore Open(string prefix, TimeProvider time, JobStoreOptions? options = null, IConnectionMultiplexer? connection = null) =>
        new(connection ?? Connection, new RedisStoreOptions { Configuration = Server.Configuration, KeyPrefix = prefix, Store = options ?? new JobStoreOptions() }, time);

    /// <summary>Another connection, as another server node would have.</summary>
    public RedisConnection Connect() => RedisConnection.Open(new RedisStoreOptions { Configuration = Server.Configuration });

    public RedisStoreOptions Options(string prefix = "rq") => new() { Configuration = Server.Configuration, KeyPrefix = prefix };

    public static string NewPrefix() => $"t{Guid.NewGuid():N}";

    public void Dispose()
    {
        _connection.Dispose();
        Admin.Close(allowCommandsToComplete: false);
        Admin.Dispose();
        Server.Dispose();
    }
}
