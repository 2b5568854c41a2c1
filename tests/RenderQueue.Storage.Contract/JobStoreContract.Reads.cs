using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    [Fact]
    public async Task Counters_match_the_jobs_through_every_kind_of_transition()
    {
        var random = new Random(7);
        var queues = new[] { "a", "b" };
        for (var step = 0; step < 300; step++)
        {
            Time.Advance(TimeSpan.FromSeconds(random.Next(0, 20)));
            switch (random.Next(8))
            {
                case 0 or 1:
                    await Submit(NewJob(queue: queues[random.Next(2)]) with { RunAt = random.Next(4) == 0 ? Time.GetUtcNow().AddSeconds(30) : null, MaxAttempts = 2 });
                    break;
                case 2:
                    await Store.LeaseAsync(Lease() with { MaxJobs = random.Next(1, 3) }, None);
                    break;
                case 3 or 4:
                    if (await AnyJob(JobState.Running, random) is { } running)
                    {
                        if (random.Next(3) == 0) await Store.FailAsync(running.LeaseToken, new JobFailure(new JobError("x")), None);
                        else await Store.CompleteAsync(running.LeaseToken, null, None);
                    }
                    break;
                case 5:
                    if (await AnyJob(JobState.Queued, random) is { } queued) await Store.CancelAsync(queued.Id, null, None);
                    break;
                case 6:
                    await Store.ReapAsync(100, TimeSpan.Zero, None);
                    await Store.PromoteDueAsync(100, None);
                    break;
                case 7:
                    if (await AnyJob(JobState.Failed, random) is { } failed) await Store.RetryAsync(failed.Id, None);
                    else if (await AnyJob(JobState.Succeeded, random) is { } succeeded) await Store.FlagAsync(succeeded.Id, "redo", None);
                    break;
            }
        }

        foreach (var queue in queues)
        {
            var counts = await Counts(queue);
            foreach (var state in JobStates.All)
            {
                var actual = await CountByListing(queue, state);
                Assert.True(actual == counts.Of(state), $"{queue}/{state.ToWire()}: counter {counts.Of(state)}, jobs {actual}");
            }
        }
        var stats = await Store.GetStatsAsync(None);
        Assert.Equal(stats.Queues.Sum(q => q.Counts.Total), stats.Counts.Total);
    }

    [Fact]
    public async Task Stats_count_workers_seen_within_their_time_to_live()
    {
        await RegisterWorker("a");
        await RegisterWorker("b");
        Time.Advance(TimeSpan.FromSeconds(45));
        await Store.HeartbeatAsync("a", new Core.Workers.WorkerHeartbeat(), None);
        Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(1, (await Store.GetStatsAsync(None)).WorkersOnline);
    }

    [Fact]
    public async Task Position_follows_priority_then_submit_order_within_queue_and_type()
    {
        var first = await Submit(priority: 0);
        var second = await Submit(priority: 0);
        var urgent = await Submit(priority: 5);
        await Submit(type: "comfyui", priority: 100);
        await Submit(queue: "other", priority: 100);

        Assert.Equal(1, (await Position(urgent.Id))!.Position);
        Assert.Equal(2, (await Position(first.Id))!.Position);
        Assert.Equal(3, (await Position(second.Id))!.Position);

        Assert.Equal(urgent.Id, (await LeaseOne(Lease() with { Queues = ["default"] }))!.Id);
        Assert.Null(await Position(urgent.Id));
        Assert.Equal(1, (await Position(first.Id))!.Position);
    }

    [Fact]
    public async Task Positions_of_a_page_are_computed_together_and_leave_out_jobs_that_are_not_queued()
    {
        var jobs = new List<Job>();
        for (var i = 0; i < 12; i++) jobs.Add(await Submit(priority: i % 3, type: i % 4 == 0 ? "comfyui" : "simulated"));
        var running = await SubmitAndLease(NewJob(priority: 50));

        var positions = await Store.GetPositionsAsync([.. jobs.Select(j => j.Id), running.Id, "01jd00000000000000000000zz"], None);

        Assert.Equal(12, positions.Count);
        foreach (var group in jobs.GroupBy(j => j.Type))
        {
            var leaseOrder = group.OrderByDescending(j => j.Priority).ThenBy(j => jobs.IndexOf(j)).Select(j => j.Id).ToList();
            Assert.Equal(Enumerable.Range(1, leaseOrder.Count), leaseOrder.Select(id => positions[id].Position));
        }
    }

    [Fact]
    public async Task Eta_comes_from_measured_durations_and_online_workers()
    {
        await RegisterWorker("w1");
        await RegisterWorker("w2");
        var measured = await SubmitAndLease();
        Time.Advance(TimeSpan.FromSeconds(40));
        await Store.CompleteAsync(measured.LeaseToken, null, None);
        Assert.Null((await Position((await Submit(type: "comfyui")).Id))!.Eta);

        var waiting = new List<Job>();
        for (var i = 0; i < 4; i++) waiting.Add(await Submit());

        Assert.Equal(TimeSpan.FromSeconds(40), (await Position(waiting[1].Id))!.Eta);
        Assert.Equal(TimeSpan.FromSeconds(80), (await Position(waiting[2].Id))!.Eta);
    }

    [Fact]
    public async Task List_is_newest_first_with_cursor_paging()
    {
        var ids = new List<string>();
        for (var i = 0; i < 25; i++) ids.Add((await Submit()).Id);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Store.ListAsync(new JobQuery { Limit = 10, Cursor = cursor }, None);
            seen.AddRange(page.Items.Select(j => j.Id));
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(ids), seen);
    }

    [Fact]
    public async Task List_filters_by_states_queue_and_type()
    {
        var runningA = await SubmitAndLease(NewJob(queue: "a"));
        var queuedA = await Submit(queue: "a");
        var queuedB = await Submit(queue: "b");
        var comfyA = await Submit(type: "comfyui", queue: "a");
        var canceledA = await Submit(queue: "a");
        await Store.CancelAsync(canceledA.Id, null, None);

        async Task<IEnumerable<string>> Ids(JobQuery query) => (await Store.ListAsync(query, None)).Items.Select(j => j.Id);

        Assert.Equal([comfyA.Id, queuedB.Id, queuedA.Id], await Ids(new JobQuery { States = [JobState.Queued] }));
        Assert.Equal([canceledA.Id, queuedA.Id, runningA.Id], await Ids(new JobQuery { States = [JobState.Queued, JobState.Running, JobState.Canceled], Queue = "a", Type = "simulated" }));
        Assert.Equal([comfyA.Id], await Ids(new JobQuery { Type = "comfyui" }));
        Assert.Equal([canceledA.Id, comfyA.Id, queuedA.Id, runningA.Id], await Ids(new JobQuery { Queue = "a" }));
        Assert.Empty(await Ids(new JobQuery { States = [JobState.Failed] }));
    }

    [Fact]
    public async Task List_refuses_a_cursor_it_did_not_issue()
    {
        await Assert.ThrowsAsync<InvalidCursorException>(() => Store.ListAsync(new JobQuery { Cursor = "not-a-cursor" }, None));
    }

    [Fact]
    public async Task Events_record_a_job_life_in_order()
    {
        var job = await SubmitAndLease();
        await Store.RenewAsync(job.LeaseToken, new JobProgress(1, 2), LeaseDuration, None);
        await Store.AddArtifactAsync(job.LeaseToken, new ArtifactInfo("a.png", 1, "image/png", Time.GetUtcNow()), None);
        await Store.FailAsync(job.LeaseToken, new JobFailure(new JobError("oom", ErrorClasses.OutOfMemory)), None);
        Time.Advance(TimeSpan.FromSeconds(10));
        await Store.PromoteDueAsync(10, None);
        var again = (await LeaseOne())!;
        await Store.CompleteAsync(again.LeaseToken, null, None);
        await Store.MarkCollectedAsync(job.Id, None);

        var events = await EventsOf(job.Id);

        Assert.Equal(
            [JobEventTypes.Submitted, JobEventTypes.Started, JobEventTypes.Progress, JobEventTypes.ArtifactAdded, JobEventTypes.Retrying,
             JobEventTypes.Queued, JobEventTypes.Started, JobEventTypes.Succeeded, JobEventTypes.Collected],
            events.Select(e => e.Type));
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        Assert.Equal(ErrorClasses.OutOfMemory, events[4].Error!.Class);
        Assert.Equal(2, events[6].Attempt);
        var tail = await Store.ReadEventsAsync(events[5].Sequence, 2, None);
        Assert.Equal([events[6].Sequence, events[7].Sequence], tail.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Activity_counts_each_minute_with_waits_and_failure_classes()
    {
        var job = await Submit();
        Time.Advance(TimeSpan.FromSeconds(3));
        var leased = (await LeaseOne())!;
        await Store.FailAsync(leased.LeaseToken, new JobFailure(new JobError("oom", ErrorClasses.OutOfMemory), Retryable: false), None);
        var other = await SubmitAndLease();
        await Store.CompleteAsync(other.LeaseToken, null, None);

        var activity = await Store.GetActivityAsync(Time.GetUtcNow() - TimeSpan.FromHours(1), None);

        var sum = (Submitted: activity.Sum(a => a.Submitted), Started: activity.Sum(a => a.Started), Succeeded: activity.Sum(a => a.Succeeded), Failed: activity.Sum(a => a.Failed));
        Assert.Equal((2, 2, 1, 1), sum);
        Assert.Equal(1, activity.Sum(a => a.FailuresByClass.GetValueOrDefault(ErrorClasses.OutOfMemory)));
        var waits = new long[WaitHistogram.BucketCount];
        foreach (var minute in activity)
            for (var i = 0; i < minute.WaitBuckets.Count; i++) waits[i] += minute.WaitBuckets[i];
        Assert.Equal(1, waits[WaitHistogram.BucketOf(TimeSpan.FromSeconds(3))]);
        Assert.Equal(1, waits[WaitHistogram.BucketOf(TimeSpan.Zero)]);
        Assert.All(activity, a => Assert.Equal("default", a.Queue));
        Assert.Equal(job.Id, leased.Id);
    }

    [Fact]
    public async Task Activity_of_a_batch_counts_every_job_and_keeps_the_depth_after_the_last_change()
    {
        await Store.EnqueueAsync([.. Enumerable.Range(0, 5).Select(_ => NewJob(queue: "batch"))], None);
        await Store.EnqueueAsync([NewJob(queue: "other")], None);
        var leased = await Store.LeaseAsync(Lease() with { Queues = ["batch"], MaxJobs = 3 }, None);
        await Store.CompleteAsync(leased[0].LeaseToken, null, None);

        var activity = (await Store.GetActivityAsync(Time.GetUtcNow() - TimeSpan.FromHours(1), None)).ToDictionary(a => a.Queue);

        var batch = activity["batch"];
        Assert.Equal((5, 3, 1, 2), (batch.Submitted, batch.Started, batch.Succeeded, batch.Depth));
        Assert.Equal(3, batch.WaitBuckets.Sum());
        Assert.Equal((1, 0, 1), (activity["other"].Submitted, activity["other"].Started, activity["other"].Depth));
        var counts = await Counts("batch");
        Assert.Equal((2, 2, 1), (counts.Queued, counts.Running, counts.Succeeded));
    }

    private async Task<Job?> AnyJob(JobState state, Random random)
    {
        var items = (await Store.ListAsync(new JobQuery { States = [state], Limit = 20 }, None)).Items;
        return items.Count == 0 ? null : items[random.Next(items.Count)];
    }

    private async Task<long> CountByListing(string queue, JobState state)
    {
        long count = 0;
        string? cursor = null;
        do
        {
            var page = await Store.ListAsync(new JobQuery { Queue = queue, States = [state], Limit = 500, Cursor = cursor }, None);
            count += page.Items.Count;
            cursor = page.NextCursor;
        } while (cursor is not null);
        return count;
    }
}
