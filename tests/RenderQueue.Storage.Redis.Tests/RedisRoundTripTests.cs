using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;
using Xunit.Abstractions;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>
/// Every store call is one request to Redis (one EVALSHA, or one plain read), counted on the wire by a
/// proxy between the store and redis-server, so each state change is atomic and costs one round trip.
/// </summary>
public sealed class RedisRoundTripTests : IClassFixture<RedisStoreFixture>, IDisposable
{
    /// <summary>Commands the client library sends on its own (connect, heartbeat, subscribe); not store calls.</summary>
    private static readonly HashSet<string> Housekeeping = ["info", "config", "ping", "echo", "client", "cluster", "subscribe", "unsubscribe", "role", "select", "hello", "command"];

    private readonly RedisStoreFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly RespCountingProxy _proxy;
    private readonly RedisConnection _connection;
    private readonly FakeTimeProvider _time = new();
    private readonly CancellationToken _none = CancellationToken.None;

    public RedisRoundTripTests(RedisStoreFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
        _proxy = new RespCountingProxy(fixture.Server.Port);
        _connection = RedisConnection.Open(new RedisStoreOptions { Configuration = _proxy.Configuration });
    }

    private RedisJobStore Open(JobStoreOptions? options = null) =>
        _fixture.Open(RedisStoreFixture.NewPrefix(), _time, options, _connection.Multiplexer);

    [Fact]
    public async Task Every_operation_is_one_command()
    {
        using var store = Open(new JobStoreOptions { Retry = new RetryPolicy { Jitter = 0 } });
        var operations = Operations(store);
        foreach (var (_, run) in operations) await run(); // first use of each script may add an EVAL after NOSCRIPT

        var counted = new List<string>();
        foreach (var (name, run) in Operations(store))
        {
            _proxy.Reset();
            var watch = Stopwatch.StartNew();
            await run();
            var elapsed = watch.Elapsed;
            var commands = StoreCommands();
            counted.Add($"{name,-22} {string.Join(" + ", commands.Select(c => $"{c.Calls}×{c.Name}")),-14} {elapsed.TotalMilliseconds,7:0.00} ms");
            Assert.True(commands.Sum(c => c.Calls) == 1, $"{name} sent {string.Join(", ", commands.Select(c => $"{c.Calls} {c.Name}"))}");
        }
        _output.WriteLine(string.Join("\n", counted));
    }

    [Fact]
    public async Task A_lease_of_a_batch_and_an_enqueue_of_many_are_one_command_each()
    {
        using var store = Open();
        await store.EnqueueAsync([Job()], _none);
        await store.LeaseAsync(Lease(1), _none);

        _proxy.Reset();
        await store.EnqueueAsync([.. Enumerable.Range(0, 500).Select(i => Job() with { BatchKey = $"set-{i % 5}" })], _none);
        Assert.Equal([("evalsha", 1L)], StoreCommands());

        _proxy.Reset();
        var leased = await store.LeaseAsync(Lease(50), _none);
        Assert.Equal([("evalsha", 1L)], StoreCommands());
        Assert.Equal(50, leased.Count);
        Assert.All(leased, job => Assert.Equal(leased[0].BatchKey, job.BatchKey));
    }

    [Fact]
    public async Task Throughput_of_submit_lease_complete_is_reported()
    {
        using var store = _fixture.Open(RedisStoreFixture.NewPrefix(), _time); // straight to Redis, not through the proxy
        const int jobs = 1000;
        var submit = Stopwatch.StartNew();
        for (var i = 0; i < jobs; i++) await store.EnqueueAsync([Job()], _none);
        submit.Stop();
        var cycle = Stopwatch.StartNew();
        for (var i = 0; i < jobs; i++)
        {
            var job = (await store.LeaseAsync(Lease(1), _none)).Single();
            await store.CompleteAsync(job.LeaseToken, null, _none);
        }
        cycle.Stop();

        var stats = await store.GetStatsAsync(_none);
        Assert.Equal(jobs, stats.Counts.Succeeded);
        _output.WriteLine($"sequential submit: {submit.Elapsed.TotalMilliseconds / jobs:0.000} ms each ({jobs / submit.Elapsed.TotalSeconds:0} /s)");
        _output.WriteLine($"sequential lease+complete: {cycle.Elapsed.TotalMilliseconds / jobs:0.000} ms per job ({jobs / cycle.Elapsed.TotalSeconds:0} jobs/s)");
    }

    private List<(string Name, long Calls)> StoreCommands() =>
        [.. _proxy.Commands.Where(c => !Housekeeping.Contains(c.Key)).Select(c => (c.Key, c.Value)).OrderBy(c => c.Key, StringComparer.Ordinal)];

    public void Dispose()
    {
        _connection.Dispose();
        _proxy.Dispose();
    }

    /// <summary>Each operation once, in an order where each finds the job it needs.</summary>
    private List<(string Name, Func<Task> Run)> Operations(RedisJobStore store)
    {
        Job? running = null, failing = null, releasing = null, done = null;
        string waiting = "";
        var lease = Lease(1);
        return
        [
            ("register worker", () => store.RegisterWorkerAsync(new WorkerRegistration { Id = "w", Name = "w", Types = ["simulated"] }, _none)),
            ("heartbeat", () => store.HeartbeatAsync("w", new WorkerHeartbeat(), _none)),
            ("enqueue 4", async () =>
            {
                var jobs = await store.EnqueueAsync([Job(), Job(), Job(), Job() with { RunAt = _time.GetUtcNow().AddSeconds(1) }], _none);
                waiting = jobs[2].Job.Id;
            }),
            ("lease", async () => running = (await store.LeaseAsync(lease, _none)).Single()),
            ("renew", () => store.RenewAsync(running!.LeaseToken, new JobProgress(1, 2), TimeSpan.FromSeconds(30), _none)),
            ("add artifact", () => store.AddArtifactAsync(running!.LeaseToken, new ArtifactInfo("a.png", 1, "image/png", _time.GetUtcNow()), _none)),
            ("complete", async () => done = await store.CompleteAsync(running!.LeaseToken, null, _none)),
            ("lease again", async () => failing = (await store.LeaseAsync(lease, _none)).Single()),
            ("fail", () => store.FailAsync(failing!.LeaseToken, new JobFailure(new JobError("x"), Retryable: false), _none)),
            ("retry", () => store.RetryAsync(failing!.Id, _none)),
            ("position", () => store.GetPositionsAsync([waiting], _none)),
            ("set priority", () => store.SetPriorityAsync(waiting, 5, _none)),
            ("cancel", () => store.CancelAsync(waiting, "no", _none)),
            ("lease a third", async () => releasing = (await store.LeaseAsync(lease, _none)).Single()),
            ("release", () => store.ReleaseAsync(releasing!.LeaseToken, "drain", _none)),
            ("collect", () => store.MarkCollectedAsync(done!.Id, _none)),
            ("flag", () => store.FlagAsync(done!.Id, "again", _none)),
            ("promote", async () => { _time.Advance(TimeSpan.FromSeconds(1)); await store.PromoteDueAsync(10, _none); }),
            ("reap", async () => { _time.Advance(TimeSpan.FromMinutes(1)); await store.ReapAsync(10, TimeSpan.Zero, _none); }),
            ("get", () => store.GetAsync(waiting, _none)),
            ("list", () => store.ListAsync(new JobQuery { States = [JobState.Queued, JobState.Canceled], Queue = "default" }, _none)),
            ("stats", () => store.GetStatsAsync(_none)),
            ("queues", () => store.ListQueuesAsync(_none)),
            ("activity", () => store.GetActivityAsync(_time.GetUtcNow().AddHours(-1), _none)),
            ("events", () => store.ReadEventsAsync(0, 100, _none)),
            ("last event", () => store.LastEventSequenceAsync(_none)),
            ("next due", () => store.NextDueAsync(_none)),
            ("pause", () => store.SetQueuePausedAsync("default", paused: false, _none)),
            ("queue settings", () => store.UpdateQueueSettingsAsync("default", new QueueSettingsChange { Weight = 2, SetsMaxRunning = true }, _none)),
            ("drain", () => store.RequestDrainAsync("w", _none)),
            ("workers", () => store.ListWorkersAsync(_none)),
            ("purge", () => store.PurgeFinishedAsync(_time.GetUtcNow().AddDays(1), 10, _none)),
            ("trim", () => store.TrimHistoryAsync(_time.GetUtcNow().AddDays(-1), _none)),
        ];
    }

    private static LeaseRequest Lease(int max) => new() { WorkerId = "w", Types = ["simulated"], MaxJobs = max, LeaseDuration = TimeSpan.FromSeconds(30) };

    private NewJob Job() => new()
    {
        Id = JobId.New(_time),
        Queue = "default",
        Type = "simulated",
        Payload = System.Text.Json.JsonDocument.Parse("""{"prompt": "a red fox"}""").RootElement,
    };
}
