using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Processes;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>
/// A Redis that reached <c>maxmemory</c> under <c>noeviction</c> refuses writes whole (Redis refuses a script's
/// command that adds data only while the script has written nothing), keeps answering reads, and the store says it
/// is unavailable (a 503 at the API) rather than failing with a bare server error.
/// </summary>
public sealed class RedisFullMemoryTests : IDisposable
{
    private readonly RedisServerProcess _server = RedisServerProcess.Start();
    private readonly CancellationToken _none = CancellationToken.None;

    [Fact]
    public async Task A_full_redis_refuses_writes_whole_and_keeps_answering_reads()
    {
        var options = new RedisStoreOptions { Configuration = _server.Configuration };
        using var connection = RedisConnection.Open(options);
        using var store = new RedisJobStore(connection.Multiplexer, options, TimeProvider.System);
        using var admin = await ConnectionMultiplexer.ConnectAsync(_server.Configuration + ",allowAdmin=true");
        var config = admin.GetServer(admin.GetEndPoints()[0]);
        var kept = (await store.EnqueueAsync([Job(), Job(), Job()], _none)).Select(r => r.Job.Id).ToList();
        await store.LeaseAsync(new LeaseRequest { WorkerId = "w", Types = ["simulated"], MaxJobs = 1, LeaseDuration = TimeSpan.FromMinutes(1) }, _none);
        var statsBefore = await store.GetStatsAsync(_none);
        var eventsBefore = await store.LastEventSequenceAsync(_none);

        await config.ConfigSetAsync("maxmemory", "1"); // every byte counts as over the limit
        try
        {
            var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.EnqueueAsync([Job()], _none));
            Assert.Contains("OOM", refused.Message);
            await Assert.ThrowsAsync<StoreUnavailableException>(() =>
                store.LeaseAsync(new LeaseRequest { WorkerId = "w", Types = ["simulated"], MaxJobs = 1, LeaseDuration = TimeSpan.FromMinutes(1) }, _none));

            Assert.NotNull(await store.GetAsync(kept[0], _none));
            Assert.Equal(3, (await store.ListAsync(new JobQuery { Limit = 10 }, _none)).Items.Count);
            Assert.Equal(statsBefore.Counts, (await store.GetStatsAsync(_none)).Counts);
            Assert.Equal(eventsBefore, await store.LastEventSequenceAsync(_none));
        }
        finally
        {
            await config.ConfigSetAsync("maxmemory", "0");
        }
        // Nothing was half done: the two jobs still queued are still leasable, and writes work again.
        var leased = await store.LeaseAsync(new LeaseRequest { WorkerId = "w", Types = ["simulated"], MaxJobs = 10, LeaseDuration = TimeSpan.FromMinutes(1) }, _none);
        Assert.Equal(2, leased.Count);
        Assert.True((await store.EnqueueAsync([Job()], _none)).Single().Created);
    }

    private static NewJob Job() => new()
    {
        Id = JobId.New(TimeProvider.System),
        Queue = "default",
        Type = "simulated",
        Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement,
    };

    public void Dispose() => _server.Dispose();
}
