using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;
using Xunit.Abstractions;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>Signals reach every store instance sharing the Redis, as pub/sub carries them between nodes.</summary>
public sealed class RedisSignalTests(RedisStoreFixture fixture, ITestOutputHelper output) : IClassFixture<RedisStoreFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_job_submitted_on_one_node_signals_the_other_node()
    {
        var prefix = RedisStoreFixture.NewPrefix();
        using var otherNode = fixture.Connect();
        using var parked = fixture.Open(prefix, _time);
        using var submitter = fixture.Open(prefix, _time, connection: otherNode.Multiplexer);
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var appended = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        parked.Signals.JobsReady += queue => ready.TrySetResult(queue);
        parked.Signals.EventsAppended += sequence => appended.TrySetResult(sequence);

        var watch = Stopwatch.StartNew();
        await submitter.EnqueueAsync([Job("renders")], CancellationToken.None);

        Assert.Equal("renders", await ready.Task.WaitAsync(Patience));
        output.WriteLine($"JobsReady reached the other node {watch.Elapsed.TotalMilliseconds:0.0} ms after the submit started");
        Assert.Equal(await submitter.LastEventSequenceAsync(CancellationToken.None), await appended.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task The_submitting_instance_signals_itself_once_and_at_once()
    {
        var prefix = RedisStoreFixture.NewPrefix();
        using var submitter = fixture.Open(prefix, _time);
        using var neighbour = fixture.Open(prefix, _time);
        var own = 0;
        var neighbourHeard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        submitter.Signals.JobsReady += _ => Interlocked.Increment(ref own);
        neighbour.Signals.JobsReady += _ => neighbourHeard.TrySetResult();

        await submitter.EnqueueAsync([Job("renders")], CancellationToken.None);
        Assert.Equal(1, Volatile.Read(ref own));

        // Both share one subscription; the submitter's handler runs before the neighbour's for the same
        // message, so once the neighbour has heard it the submitter has seen (and dropped) its echo.
        await neighbourHeard.Task.WaitAsync(Patience);
        Assert.Equal(1, Volatile.Read(ref own));
    }

    [Fact]
    public async Task Resuming_a_paused_queue_signals_other_nodes()
    {
        var prefix = RedisStoreFixture.NewPrefix();
        using var otherNode = fixture.Connect();
        using var parked = fixture.Open(prefix, _time);
        using var admin = fixture.Open(prefix, _time, connection: otherNode.Multiplexer);
        await admin.SetQueuePausedAsync("finals", paused: true, CancellationToken.None);
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        parked.Signals.JobsReady += queue => ready.TrySetResult(queue);

        await admin.SetQueuePausedAsync("finals", paused: false, CancellationToken.None);

        Assert.Equal("finals", await ready.Task.WaitAsync(Patience));
    }

    private NewJob Job(string queue) => new()
    {
        Id = JobId.New(_time),
        Queue = queue,
        Type = "comfyui",
        Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement,
    };
}
