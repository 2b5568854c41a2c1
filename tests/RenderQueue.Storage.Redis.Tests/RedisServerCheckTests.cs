using Microsoft.Extensions.Logging;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>The start-up check refuses an evicting Redis and warns loudly without an append-only file.</summary>
public sealed class RedisServerCheckTests(RedisStoreFixture fixture) : IClassFixture<RedisStoreFixture>
{
    [Fact]
    public async Task Check_refuses_a_redis_that_evicts_keys()
    {
        var server = fixture.AdminServer;
        await server.ConfigSetAsync("maxmemory-policy", "allkeys-lru");
        try
        {
            var refused = await Assert.ThrowsAsync<UnsafeRedisConfigurationException>(() =>
                RedisServerCheck.VerifyAsync(fixture.Options(), new ListLogger(), CancellationToken.None));

            Assert.Contains("allkeys-lru", refused.Message);
            Assert.Contains("maxmemory-policy noeviction", refused.Message);
            Assert.Contains("lost job", refused.Message);
        }
        finally
        {
            await server.ConfigSetAsync("maxmemory-policy", "noeviction");
        }
    }

    [Fact]
    public async Task Check_warns_when_the_append_only_file_is_off_and_passes_quietly_when_on()
    {
        var server = fixture.AdminServer;
        var withoutAof = new ListLogger();

        var settings = (await RedisServerCheck.VerifyAsync(fixture.Options(), withoutAof, CancellationToken.None)).Single();

        Assert.Equal("noeviction", settings.MaxMemoryPolicy);
        Assert.False(settings.AppendOnly);
        Assert.Contains(withoutAof.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("appendonly no", StringComparison.Ordinal));

        await server.ConfigSetAsync("appendonly", "yes");
        try
        {
            var withAof = new ListLogger();
            var durable = (await RedisServerCheck.VerifyAsync(fixture.Options(), withAof, CancellationToken.None)).Single();

            Assert.True(durable.AppendOnly);
            Assert.Equal("everysec", durable.AppendFsync);
            Assert.DoesNotContain(withAof.Entries, e => e.Level >= LogLevel.Warning);
        }
        finally
        {
            await server.ConfigSetAsync("appendonly", "no");
        }
    }
}
