using Microsoft.Extensions.Logging;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>The start-up check refuses an evicting Redis, warns loudly without an append-only file and mildly when its fsync is deferred.</summary>
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
    public async Task Check_warns_when_the_append_only_file_is_off_more_mildly_when_fsync_is_deferred_and_passes_quietly_with_always()
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
            var everySecond = new ListLogger();
            var deferred = (await RedisServerCheck.VerifyAsync(fixture.Options(), everySecond, CancellationToken.None)).Single();

            Assert.True(deferred.AppendOnly);
            Assert.Equal("everysec", deferred.AppendFsync);
            var warning = Assert.Single(everySecond.Entries, e => e.Level == LogLevel.Warning);
            Assert.Contains("appendfsync everysec", warning.Message, StringComparison.Ordinal);
            Assert.Contains("'appendfsync always'", warning.Message, StringComparison.Ordinal);

            await server.ConfigSetAsync("appendfsync", "always");
            var always = new ListLogger();
            var durable = (await RedisServerCheck.VerifyAsync(fixture.Options(), always, CancellationToken.None)).Single();

            Assert.Equal("always", durable.AppendFsync);
            Assert.DoesNotContain(always.Entries, e => e.Level >= LogLevel.Warning);
        }
        finally
        {
            await server.ConfigSetAsync("appendfsync", "everysec");
            await server.ConfigSetAsync("appendonly", "no");
        }
    }
}
