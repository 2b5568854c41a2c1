using RenderQueue.Processes;

namespace RenderQueue.Cluster.Tests;

/// <summary>The server checks Redis before it serves: it refuses one that evicts keys or does not answer, and warns without an AOF.</summary>
public sealed class StartupCheckTests : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-startup");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_server_refuses_to_start_on_a_redis_with_maxmemory_policy_allkeys_lru()
    {
        using var redis = RedisServerProcess.Start(appendOnly: true, maxMemoryPolicy: "allkeys-lru");
        await using var server = ServerProcess.Start(_folder.Path, On(redis.Configuration));

        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exit);
        Assert.Contains("Refusing to start", server.Log);
        Assert.Contains("maxmemory-policy 'allkeys-lru'", server.Log);
        Assert.Contains("maxmemory-policy noeviction", server.Log);
    }

    [Fact]
    public async Task The_server_refuses_to_start_when_redis_does_not_answer()
    {
        var nobody = $"127.0.0.1:{FreePort.Next()},connectTimeout=300";
        await using var server = ServerProcess.Start(_folder.Path, On(nobody));

        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exit);
        Assert.Contains("(Store:Redis) does not answer", server.Log);
    }

    [Fact]
    public async Task The_server_warns_loudly_on_a_redis_without_an_append_only_file_and_serves()
    {
        using var redis = RedisServerProcess.Start(appendOnly: false);
        await using var server = ServerProcess.Start(_folder.Path, On(redis.Configuration));

        await server.WaitUntilReadyAsync();

        Assert.Contains("HAS appendonly no", server.Log);
        Assert.Contains($"Store: redis at {redis.Configuration} (key prefix 'rq')", server.Log);
    }

    private static Dictionary<string, string> On(string redis) => new()
    {
        ["RENDERQUEUE__Store__Kind"] = "redis",
        ["RENDERQUEUE__Store__Redis"] = redis,
    };
}
