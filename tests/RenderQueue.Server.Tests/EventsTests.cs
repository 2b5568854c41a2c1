using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Events;

namespace RenderQueue.Server.Tests;

public sealed class EventsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly RenderQueueApp _app = new();
    private readonly RenderQueueClient _client;

    public EventsTests() => _client = _app.Client();

    public void Dispose() => _app.Dispose();

    private static SubmitJobRequest Job(string queue = "default") =>
        new() { Type = "simulated", Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement, Queue = queue };

    /// <summary>Starts reading the stream and returns once the server has subscribed the socket.</summary>
    private async Task<(IAsyncEnumerator<JobEvent> Events, CancellationTokenSource Stop)> ConnectAsync(EventStreamQuery query)
    {
        var stop = new CancellationTokenSource(Patience);
        var events = _client.StreamEventsAsync(query, stop.Token).GetAsyncEnumerator(stop.Token);
        var hub = _app.Services.GetRequiredService<EventHub>();
        var before = hub.Subscribers;
        var first = events.MoveNextAsync(); // connects
        await Http.EventuallyAsync(() => Task.FromResult(hub.Subscribers), n => n > before || first.IsCompleted, "the socket to subscribe");
        return (new PrefetchedEnumerator(events, first), stop);
    }

    [Fact]
    public async Task Socket_filtered_by_queue_receives_only_that_queues_events()
    {
        var (events, stop) = await ConnectAsync(new EventStreamQuery { Queue = "eu" });
        await using var _ = events;
        using var __ = stop;

        await _client.SubmitAsync(Job("us"));
        var eu = await _client.SubmitAsync(Job("eu"));

        Assert.True(await events.MoveNextAsync());
        Assert.Equal(JobEventTypes.Submitted, events.Current.Type);
        Assert.Equal(eu.Id, events.Current.JobId);
        Assert.Equal("eu", events.Current.Queue);
    }

    [Fact]
    public async Task Socket_filtered_by_job_follows_that_job_through_its_life()
    {
        var job = await _client.SubmitAsync(Job());
        var other = await _client.SubmitAsync(Job());
        var (events, stop) = await ConnectAsync(new EventStreamQuery { JobId = job.Id });
        await using var _ = events;
        using var __ = stop;

        await _client.RegisterWorkerAsync(new() { Id = "gpu-1", Name = "gpu-1", Types = ["simulated"] });
        var leased = (await _client.LeaseAsync(new LeaseJobsRequest { WorkerId = "gpu-1", MaxJobs = 2 })).Jobs;
        Assert.Equal(2, leased.Count);
        await _client.RenewAsync(new LeaseToken(other.Id, 1), new JobProgress(1, 2));
        await _client.RenewAsync(new LeaseToken(job.Id, 1), new JobProgress(1, 2, "halfway"));
        await _client.CompleteAsync(new LeaseToken(job.Id, 1));

        var seen = new List<JobEvent>();
        while (seen.Count < 3 && await events.MoveNextAsync()) seen.Add(events.Current);
        Assert.All(seen, e => Assert.Equal(job.Id, e.JobId));
        Assert.Equal([JobEventTypes.Started, JobEventTypes.Progress, JobEventTypes.Succeeded], seen.Select(e => e.Type));
        Assert.Equal("halfway", seen[1].Progress?.Message);
    }

    [Fact]
    public async Task After_replays_stored_events_then_continues_live()
    {
        var first = await _client.SubmitAsync(Job());
        var (events, stop) = await ConnectAsync(new EventStreamQuery { After = 0 });
        await using var _ = events;
        using var __ = stop;
        var second = await _client.SubmitAsync(Job());

        Assert.True(await events.MoveNextAsync());
        Assert.Equal(first.Id, events.Current.JobId);
        var sequence = events.Current.Sequence;
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(second.Id, events.Current.JobId);
        Assert.True(events.Current.Sequence > sequence);
    }

    [Fact]
    public async Task Events_after_idle_spells_arrive_at_once_not_at_the_next_safety_net_recheck()
    {
        var (events, stop) = await ConnectAsync(new EventStreamQuery());
        await using var _ = events;
        using var __ = stop;
        var recheck = _app.Services.GetRequiredService<IOptions<LeaseOptions>>().Value.RecheckInterval;

        // Each idle spell ends the hub's wait at its time limit. The clock does not move while a job's event travels,
        // so an event that waited for the next re-check would never arrive.
        for (var spell = 0; spell < 3; spell++)
        {
            _app.Clock.Advance(recheck);
            var job = await _client.SubmitAsync(Job());
            Assert.True(await events.MoveNextAsync());
            Assert.Equal((JobEventTypes.Submitted, job.Id), (events.Current.Type, events.Current.JobId));
        }
    }

    [Fact]
    public async Task Plain_get_of_the_events_endpoint_is_a_400_problem()
    {
        var response = await _app.CreateClient().GetAsync("/api/v1/events");
        await response.AssertProblemAsync(System.Net.HttpStatusCode.BadRequest, "WebSocket");
    }

    [Fact]
    public async Task Slow_socket_is_dropped_without_holding_up_others()
    {
        using var small = new RenderQueueApp().With("Events:SendBufferSize", "2");
        var client = small.Client();
        var hub = small.Services.GetRequiredService<EventHub>();
        var subscription = hub.Subscribe(new EventFilter(null, null)); // a reader that never reads
        for (var i = 0; i < 5; i++) await client.SubmitAsync(Job());
        await Http.EventuallyAsync(() => Task.FromResult(subscription.IsDropped), d => d, "the slow subscriber to be dropped");
        subscription.Dispose();
        Assert.Equal(0, hub.Subscribers);
    }

    /// <summary>Hands out the result of a MoveNextAsync already started, then carries on.</summary>
    private sealed class PrefetchedEnumerator(IAsyncEnumerator<JobEvent> inner, ValueTask<bool> first) : IAsyncEnumerator<JobEvent>
    {
        private ValueTask<bool>? _first = first;

        public JobEvent Current => inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_first is not { } pending) return inner.MoveNextAsync();
            _first = null;
            return pending;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
