using RenderQueue.Core.Jobs;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    [Fact]
    public async Task Enqueue_stores_a_queued_job_with_its_fields()
    {
        var input = NewJob(priority: 7) with
        {
            Metadata = System.Text.Json.JsonDocument.Parse("""{"traits": {"hat": "red"}}""").RootElement,
            MaxAttempts = 5,
            Timeout = TimeSpan.FromMinutes(10),
            BatchKey = "set-1",
            Webhook = "https://example.com/hook",
            Requirements = new JobRequirements(["gpu=4090"], ["sdxl.safetensors"], 8000),
        };

        var result = (await Store.EnqueueAsync([input], None)).Single();
        var stored = await Reload(input.Id);

        Assert.True(result.Created);
        Assert.Equal(JobState.Queued, stored.State);
        Assert.Equal(7, stored.Priority);
        Assert.Equal(0, stored.Attempt);
        Assert.Equal(5, stored.MaxAttempts);
        Assert.Equal(TimeSpan.FromMinutes(10), stored.Timeout);
        Assert.Equal("set-1", stored.BatchKey);
        Assert.Equal("https://example.com/hook", stored.Webhook);
        Assert.Equal("a red fox", stored.Payload.GetProperty("prompt").GetString());
        Assert.Equal("red", stored.Metadata!.Value.GetProperty("traits").GetProperty("hat").GetString());
        Assert.Equal(["gpu=4090"], stored.Requirements.Labels!);
        Assert.Equal(8000, stored.Requirements.MinVramMb);
        Assert.Equal(Time.GetUtcNow(), stored.CreatedAt);
        Assert.Equal(Time.GetUtcNow(), stored.QueuedAt);
    }

    [Fact]
    public async Task Enqueue_returns_each_job_exactly_as_a_read_returns_it()
    {
        Time.Advance(TimeSpan.FromTicks(12_345)); // a clock between two milliseconds
        var empty = System.Text.Json.JsonDocument.Parse("null").RootElement;
        NewJob[] inputs =
        [
            NewJob(priority: 3) with
            {
                Metadata = System.Text.Json.JsonDocument.Parse("""{"title": "fox"}""").RootElement,
                Timeout = TimeSpan.FromTicks(15_000_123),
                Requirements = new JobRequirements(["gpu=4090"], ["SDXL.safetensors"], 8000),
                TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                TraceState = "vendor=1",
                Webhook = "https://example.com/hook",
                IdempotencyKey = "exact-1",
            },
            NewJob() with { Metadata = empty, RunAt = Time.GetUtcNow().AddTicks(600_000_777), BatchKey = "b" },
        ];

        var results = await Store.EnqueueAsync(inputs, None);

        foreach (var result in results)
        {
            var reloaded = await Reload(result.Job.Id);
            Assert.Equal(
                System.Text.Json.JsonSerializer.Serialize(reloaded, Core.Json.RenderQueueJson.Options),
                System.Text.Json.JsonSerializer.Serialize(result.Job, Core.Json.RenderQueueJson.Options));
        }
    }

    [Fact]
    public async Task Enqueue_with_a_future_run_at_is_scheduled()
    {
        var job = await Submit(NewJob() with { RunAt = Time.GetUtcNow().AddMinutes(5) });

        Assert.Equal(JobState.Scheduled, job.State);
        Assert.Null(await LeaseOne());
        Assert.Equal(1, (await Counts()).Scheduled);
    }

    [Fact]
    public async Task Enqueue_with_a_known_idempotency_key_returns_the_existing_job()
    {
        var first = await Submit(NewJob() with { IdempotencyKey = "render-42" });

        var again = (await Store.EnqueueAsync([NewJob(priority: 9) with { IdempotencyKey = "render-42" }], None)).Single();

        Assert.False(again.Created);
        Assert.Equal(first.Id, again.Job.Id);
        Assert.Equal(0, again.Job.Priority);
        Assert.Equal(1, (await Counts()).Queued);
    }

    [Fact]
    public async Task Enqueue_batch_keeps_order_and_dedupes_keys_within_the_batch()
    {
        var batch = Enumerable.Range(0, 20).Select(i => NewJob() with { IdempotencyKey = i == 19 ? "k-0" : $"k-{i}" }).ToList();

        var results = await Store.EnqueueAsync(batch, None);

        Assert.Equal(20, results.Count);
        Assert.Equal(batch.Take(19).Select(j => j.Id), results.Take(19).Select(r => r.Job.Id));
        Assert.All(results.Take(19), r => Assert.True(r.Created));
        Assert.False(results[19].Created);
        Assert.Equal(batch[0].Id, results[19].Job.Id);
        Assert.Equal(19, (await Counts()).Queued);
    }

    [Fact]
    public async Task Enqueue_appends_a_submitted_event_and_signals_ready_jobs()
    {
        var ready = new List<string>();
        long appended = 0;
        Store.Signals.JobsReady += ready.Add;
        Store.Signals.EventsAppended += seq => appended = seq;

        var job = await Submit(queue: "renders");

        var events = await EventsOf(job.Id);
        Assert.Equal([JobEventTypes.Submitted], events.Select(e => e.Type));
        Assert.Equal("renders", events[0].Queue);
        Assert.Equal(JobState.Queued, events[0].State);
        Assert.Contains("renders", ready);
        Assert.Equal(events[0].Sequence, appended);
        Assert.Equal(events[0].Sequence, await Store.LastEventSequenceAsync(None));
    }

    [Fact]
    public async Task Jobs_survive_reopening_the_store()
    {
        var jobs = await Store.EnqueueAsync([.. Enumerable.Range(0, 50).Select(_ => NewJob())], None);
        var leased = await LeaseOne();

        Reopen();

        foreach (var result in jobs) Assert.NotNull(await Store.GetAsync(result.Job.Id, None));
        Assert.Equal(JobState.Running, (await Reload(leased!.Id)).State);
        Assert.Equal(49, (await Counts()).Queued);
        Assert.Equal(1, (await Counts()).Running);
    }
}
