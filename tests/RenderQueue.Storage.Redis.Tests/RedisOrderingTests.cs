using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>What the ready-set scoring and the case folding of model names must get exactly right.</summary>
public sealed class RedisOrderingTests(RedisStoreFixture fixture) : IClassFixture<RedisStoreFixture>
{
    private readonly FakeTimeProvider _time = new();
    private readonly CancellationToken _none = CancellationToken.None;

    [Fact]
    public async Task Extreme_priorities_and_long_fifo_runs_keep_exact_order_and_positions()
    {
        using var store = fixture.Open(RedisStoreFixture.NewPrefix(), _time);
        var lowest = await Submit(store, -1_000_000);
        var fifo = new List<string>();
        for (var i = 0; i < 300; i++) fifo.Add(await Submit(store, 999_999));
        var highest = await Submit(store, 1_000_000);

        Assert.Equal(302, (await store.GetPositionsAsync([lowest], _none))[lowest].Position);
        Assert.Equal(2, (await store.GetPositionsAsync([fifo[0]], _none))[fifo[0]].Position);
        Assert.Equal(301, (await store.GetPositionsAsync([fifo[^1]], _none))[fifo[^1]].Position);

        var order = new List<string>();
        for (var i = 0; i < 302; i++) order.Add((await store.LeaseAsync(Lease(), _none)).Single().Id);
        Assert.Equal([highest, .. fifo, lowest], order);
    }

    [Fact]
    public async Task Model_names_match_without_regard_to_case_beyond_ascii()
    {
        using var store = fixture.Open(RedisStoreFixture.NewPrefix(), _time);
        var job = (await store.EnqueueAsync([NewJob(0) with { Requirements = new JobRequirements(Models: ["Äther-XL.safetensors"]) }], _none)).Single().Job;

        var leased = await store.LeaseAsync(Lease() with { Capabilities = new WorkerCapabilities([], ["äTHER-xl.SAFETENSORS"], null) }, _none);

        Assert.Equal(job.Id, leased.Single().Id);
    }

    private async Task<string> Submit(RedisJobStore store, int priority) =>
        (await store.EnqueueAsync([NewJob(priority)], _none)).Single().Job.Id;

    private static LeaseRequest Lease() => new() { WorkerId = "w", Types = ["simulated"], LeaseDuration = TimeSpan.FromSeconds(30) };

    private NewJob NewJob(int priority) => new()
    {
        Id = JobId.New(_time),
        Queue = "default",
        Type = "simulated",
        Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement,
        Priority = priority,
    };
}
