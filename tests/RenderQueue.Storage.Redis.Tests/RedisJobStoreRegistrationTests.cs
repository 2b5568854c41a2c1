using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary><c>AddRedisJobStore</c> wires the store, its connection and the clock, and shuts down promptly.</summary>
public sealed class RedisJobStoreRegistrationTests(RedisStoreFixture fixture) : IClassFixture<RedisStoreFixture>
{
    [Fact]
    public async Task The_registered_store_uses_the_configured_redis_prefix_and_clock_and_closes_at_once()
    {
        var time = new FakeTimeProvider();
        var prefix = RedisStoreFixture.NewPrefix();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddRedisJobStore(o =>
        {
            o.Configuration = fixture.Server.Configuration;
            o.KeyPrefix = prefix;
        });
        var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IJobStore>();
        var job = (await store.EnqueueAsync([new NewJob { Id = JobId.New(time), Queue = "default", Type = "simulated", Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement }], CancellationToken.None)).Single().Job;

        Assert.IsType<RedisJobStore>(store);
        Assert.IsType<RedisLeaderElection>(provider.GetRequiredService<ILeaderElection>());
        Assert.Equal(time.GetUtcNow(), job.CreatedAt);
        Assert.True(await fixture.Connection.GetDatabase().KeyExistsAsync($"{prefix}:{{q:default}}:job:{job.Id}"));

        var watch = Stopwatch.StartNew();
        await provider.DisposeAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"shutting the store down took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("rq{x}")]
    [InlineData("")]
    [InlineData("with space")]
    public void A_prefix_that_would_break_hash_tags_is_refused(string prefix)
    {
        var refused = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddRedisJobStore(o => o.KeyPrefix = prefix));
        Assert.Contains("prefix", refused.Message);
    }
}
