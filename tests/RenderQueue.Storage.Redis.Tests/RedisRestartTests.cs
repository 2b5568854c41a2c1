using System.Diagnostics;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Processes;
using Xunit.Abstractions;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>
/// A redis-server with its append-only file on is killed (SIGKILL) and started again on the same port and
/// folder: the store reconnects by itself, every accepted job is still there with its state, and the
/// signal channel is subscribed again.
/// </summary>
public sealed class RedisRestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ResumeLimit = TimeSpan.FromSeconds(5);
    private readonly RedisServerProcess _server = RedisServerProcess.Start(appendOnly: true);
    private readonly CancellationToken _none = CancellationToken.None;

    [Fact]
    public async Task A_killed_and_restarted_redis_keeps_every_job_and_the_store_resumes()
    {
        var options = new RedisStoreOptions { Configuration = _server.Configuration, KeyPrefix = "rq" };
        using var nodeA = RedisConnection.Open(options);
        using var nodeB = RedisConnection.Open(options);
        using var storeA = new RedisJobStore(nodeA.Multiplexer, options, TimeProvider.System);
        using var storeB = new RedisJobStore(nodeB.Multiplexer, options, TimeProvider.System);

        var accepted = new List<string>();
        for (var batch = 0; batch < 10; batch++)
            accepted.AddRange((await storeB.EnqueueAsync([.. Enumerable.Range(0, 30).Select(_ => Job())], _none)).Select(r => r.Job.Id));
        var leased = await storeA.LeaseAsync(Lease(50), _none);
        foreach (var job in leased.Take(20)) await storeA.CompleteAsync(job.LeaseToken, null, _none);
        var lastEvent = await storeA.LastEventSequenceAsync(_none);

        _server.Restart();
        var watch = Stopwatch.StartNew();
        var resumed = await UntilRedisAnswers(() => storeA.LeaseAsync(Lease(1), _none));
        output.WriteLine($"store answered again {watch.Elapsed.TotalMilliseconds:0} ms after redis-server restarted");
        Assert.True(watch.Elapsed < ResumeLimit, $"the store took {watch.Elapsed} to resume");
        Assert.Single(resumed);

        foreach (var id in accepted) Assert.NotNull(await storeA.GetAsync(id, _none));
        var counts = (await storeA.GetStatsAsync(_none)).Counts;
        Assert.Equal((300 - 50 - 1, 30 + 1, 20), (counts.Queued, counts.Running, counts.Succeeded));
        Assert.True(await storeA.LastEventSequenceAsync(_none) > lastEvent);
        Assert.Equal(accepted.Count, (await storeA.ListAsync(new JobQuery { Limit = 500 }, _none)).Items.Count);

        await UntilSignalled(storeA, storeB, watch);
    }

    [Fact]
    public async Task While_redis_is_down_a_call_fails_at_once_instead_of_waiting_to_run_after_the_reconnect()
    {
        // A long command timeout: a call parked in the client's backlog would wait this long before failing.
        var options = new RedisStoreOptions { Configuration = _server.Configuration, KeyPrefix = "rq", CommandTimeout = TimeSpan.FromSeconds(30) };
        using var node = RedisConnection.Open(options);
        using var store = new RedisJobStore(node.Multiplexer, options, TimeProvider.System);
        await store.EnqueueAsync([Job()], _none);

        _server.Kill();
        var watch = Stopwatch.StartNew();
        while (node.Multiplexer.IsConnected && watch.Elapsed < ResumeLimit) await Task.Delay(10); // the client noticing, not time passing
        Assert.False(node.Multiplexer.IsConnected, "the client did not notice that redis-server died");

        watch.Restart();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.EnqueueAsync([Job() with { Queue = "during-outage" }], _none));
        output.WriteLine($"a submit during the outage failed after {watch.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the submit waited {watch.Elapsed} for a connection instead of failing at once");

        _server.Restart();
        var stats = await UntilRedisAnswers(() => store.GetStatsAsync(_none));
        Assert.Equal(1, stats.Counts.Queued); // the refused submit did not run after the reconnect either
    }

    /// <summary>The subscription comes back a moment after the command connection; wait for it, bounded.</summary>
    private async Task UntilSignalled(RedisJobStore parked, RedisJobStore submitter, Stopwatch sinceRestart)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        parked.Signals.JobsReady += queue => { if (queue == "after-restart") ready.TrySetResult(); };
        while (!ready.Task.IsCompleted)
        {
            Assert.True(sinceRestart.Elapsed < ResumeLimit, "signals did not cross nodes again after the restart");
            // The submitting node's connection may come back a moment after the parked node's.
            await UntilRedisAnswers(() => submitter.EnqueueAsync([Job() with { Queue = "after-restart" }], _none));
            await Task.WhenAny(ready.Task, Task.Delay(100));
        }
        output.WriteLine($"signals crossed nodes again {sinceRestart.Elapsed.TotalMilliseconds:0} ms after the restart");
    }

    private static async Task<T> UntilRedisAnswers<T>(Func<Task<T>> call)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (StoreUnavailableException) when (watch.Elapsed < ResumeLimit)
            {
                await Task.Delay(50); // waiting for redis-server to come back, not for time to pass
            }
        }
    }

    private static LeaseRequest Lease(int max) => new() { WorkerId = "w", Types = ["simulated"], MaxJobs = max, LeaseDuration = TimeSpan.FromMinutes(5) };

    private static NewJob Job() => new()
    {
        Id = JobId.New(TimeProvider.System),
        Queue = "default",
        Type = "simulated",
        Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement,
    };

    public void Dispose() => _server.Dispose();
}
