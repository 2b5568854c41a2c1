using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using Xunit;

namespace RenderQueue.Storage.Contract;

/// <summary>Queue settings (weight, max_running) and fair share between queues within a priority level.</summary>
public abstract partial class JobStoreContract<TFixture>
{
    private Task<QueueInfo> Configure(string queue, int? weight = null) =>
        Store.UpdateQueueSettingsAsync(queue, new QueueSettingsChange { Weight = weight }, None);

    private Task<QueueInfo> Cap(string queue, int? maxRunning) =>
        Store.UpdateQueueSettingsAsync(queue, new QueueSettingsChange { SetsMaxRunning = true, MaxRunning = maxRunning }, None);

    private async Task SubmitMany(string queue, int count, int priority = 0)
    {
        for (var done = 0; done < count; done += 1000)
            await Store.EnqueueAsync([.. Enumerable.Range(0, Math.Min(1000, count - done)).Select(_ => NewJob(priority: priority, queue: queue))], None);
    }

    /// <summary>The queue of each of <paramref name="count"/> single-job leases, in order ("" when nothing was leased).</summary>
    private async Task<List<string>> LeaseQueues(int count)
    {
        var queues = new List<string>(count);
        for (var i = 0; i < count; i++) queues.Add((await LeaseOne())?.Queue ?? "");
        return queues;
    }

    [Fact]
    public async Task Queue_settings_default_to_weight_1_and_no_cap()
    {
        await Submit(queue: "renders");

        var queue = (await Store.ListQueuesAsync(None)).Single();

        Assert.Equal((1, (int?)null), (queue.Weight, queue.MaxRunning));
    }

    [Fact]
    public async Task Queue_settings_change_only_what_is_given_and_an_empty_queue_can_be_configured()
    {
        var created = await Store.UpdateQueueSettingsAsync("finals", new QueueSettingsChange { Weight = 5, SetsMaxRunning = true, MaxRunning = 8 }, None);
        Assert.Equal(("finals", 5, (int?)8, 0L), (created.Name, created.Weight, created.MaxRunning, created.Counts.Total));

        var weightOnly = await Configure("finals", weight: 7);
        Assert.Equal((7, (int?)8), (weightOnly.Weight, weightOnly.MaxRunning));

        var uncapped = await Cap("finals", null);
        Assert.Equal((7, (int?)null), (uncapped.Weight, uncapped.MaxRunning));

        var listed = (await Store.ListQueuesAsync(None)).Single(q => q.Name == "finals");
        Assert.Equal((7, (int?)null, false), (listed.Weight, listed.MaxRunning, listed.Paused));
        Assert.Equal(listed.Settings, (await Store.GetStatsAsync(None)).Queues.Single(q => q.Name == "finals").Settings);
    }

    [Fact]
    public async Task Queue_settings_out_of_range_are_refused_and_change_nothing()
    {
        await Configure("finals", weight: 4);

        await Assert.ThrowsAsync<ArgumentException>(() => Configure("finals", weight: 0));
        await Assert.ThrowsAsync<ArgumentException>(() => Configure("finals", weight: 1001));
        await Assert.ThrowsAsync<ArgumentException>(() => Cap("finals", 0));

        Assert.Equal(new QueueSettings(4, null), (await Store.ListQueuesAsync(None)).Single().Settings);
    }

    [Fact]
    public async Task Queue_settings_survive_a_restart_and_every_instance_sees_them()
    {
        await Store.UpdateQueueSettingsAsync("finals", new QueueSettingsChange { Weight = 3, SetsMaxRunning = true, MaxRunning = 2 }, None);

        Reopen();

        Assert.Equal(new QueueSettings(3, 2), (await Store.ListQueuesAsync(None)).Single(q => q.Name == "finals").Settings);
    }

    [Fact]
    public async Task Weights_3_to_1_share_leases_3_to_1_while_both_queues_have_ready_jobs()
    {
        await Configure("big", weight: 3);
        await Configure("small", weight: 1);
        await SubmitMany("small", 400);
        await SubmitMany("big", 400);

        var leased = await LeaseQueues(400);

        var (big, small) = (leased.Count(q => q == "big"), leased.Count(q => q == "small"));
        Assert.Equal(400, big + small);
        Assert.InRange((double)big / small, 3 * 0.95, 3 * 1.05);
    }

    [Fact]
    public async Task Equal_weights_alternate_between_queues()
    {
        await SubmitMany("a", 10);
        await SubmitMany("b", 10);

        var leased = await LeaseQueues(20);

        Assert.Equal(10, leased.Count(q => q == "a"));
        for (var i = 1; i < leased.Count; i++) Assert.NotEqual(leased[i - 1], leased[i]);
    }

    [Fact]
    public async Task A_queue_that_becomes_ready_takes_the_next_lease_beside_a_busy_backlog()
    {
        await SubmitMany("backlog", 10_000);
        await LeaseQueues(20); // the backlog leased alone: no pass moved, and it has 20 running

        var late = await Submit(queue: "late");
        var next = await LeaseQueues(1);

        Assert.Equal(["late"], next); // passes tie; the queue with fewer running jobs for its weight goes first
        Assert.Equal(JobState.Running, (await Reload(late.Id)).State);
    }

    [Fact]
    public async Task A_queue_back_from_idle_does_not_bank_credit()
    {
        await SubmitMany("a", 200);
        await SubmitMany("c", 200);
        await Submit(queue: "b");
        Assert.Contains("b", await LeaseQueues(3)); // b has taken part, then idles while a and c take 100 leases
        await LeaseQueues(100);

        await SubmitMany("b", 10);
        var next = await LeaseQueues(6);

        Assert.Contains("b", next[..3]);
        Assert.InRange(next.Count(q => q == "b"), 1, 3); // a third of the leases, not all of them to catch up
    }

    [Fact]
    public async Task Fair_share_state_is_kept_in_the_store()
    {
        await SubmitMany("a", 5);
        await SubmitMany("b", 5);
        var first = (await LeaseOne())!.Queue;

        Reopen();

        Assert.NotEqual(first, (await LeaseOne())!.Queue);
    }

    [Fact]
    public async Task Priority_wins_over_weight_across_queues()
    {
        await Configure("heavy", weight: 1000);
        await SubmitMany("heavy", 5, priority: 0);
        await SubmitMany("urgent", 5, priority: 5);

        var leased = await LeaseQueues(10);

        Assert.Equal([.. Enumerable.Repeat("urgent", 5), .. Enumerable.Repeat("heavy", 5)], leased);
    }

    [Fact]
    public async Task Max_running_caps_the_running_jobs_of_a_queue()
    {
        await Cap("capped", 2);
        await SubmitMany("capped", 5);

        var batch = await Store.LeaseAsync(Lease() with { MaxJobs = 5 }, None);
        Assert.Equal(2, batch.Count);
        Assert.Null(await LeaseOne());

        var other = await Submit(queue: "other");
        Assert.Equal(other.Id, (await LeaseOne())!.Id);

        await Store.CompleteAsync(batch[0].LeaseToken, null, None);
        Assert.Equal("capped", (await LeaseOne())!.Queue);
        Assert.Null(await LeaseOne());

        await Cap("capped", null);
        Assert.Equal(2, (await Store.LeaseAsync(Lease() with { MaxJobs = 5 }, None)).Count);
    }
}
