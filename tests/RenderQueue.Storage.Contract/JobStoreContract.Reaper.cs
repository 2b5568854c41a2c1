using RenderQueue.Core.Jobs;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    [Fact]
    public async Task An_expired_lease_goes_back_to_queued_and_the_next_lease_is_attempt_2()
    {
        var job = await SubmitAndLease(worker: "crashed");

        Time.Advance(LeaseDuration);
        Assert.Equal(0, await Store.ReapAsync(100, TimeSpan.Zero, None));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await Store.ReapAsync(100, TimeSpan.Zero, None));

        var requeued = await Reload(job.Id);
        Assert.Equal(JobState.Queued, requeued.State);
        Assert.Equal(ErrorClasses.Lost, requeued.Error!.Class);
        Assert.Equal("requeued", requeued.Attempts.Single().Outcome);
        Assert.Null(requeued.WorkerId);

        var again = (await LeaseOne(Lease("healthy")))!;
        Assert.Equal(2, again.Attempt);
        Assert.Equal(JobEventTypes.Requeued, (await EventsOf(job.Id))[^2].Type);
    }

    [Fact]
    public async Task An_expired_lease_on_the_last_attempt_fails_with_class_lost()
    {
        var job = await SubmitAndLease(NewJob() with { MaxAttempts = 2 });
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
            await Store.ReapAsync(100, TimeSpan.Zero, None);
            if (attempt == 1) Assert.Equal(2, (await LeaseOne())!.Attempt);
        }

        var failed = await Reload(job.Id);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(ErrorClasses.Lost, failed.Error!.Class);
        Assert.Equal(["requeued", "failed"], failed.Attempts.Select(a => a.Outcome));
        var counts = await Counts();
        Assert.Equal((0, 0, 1), (counts.Queued, counts.Running, counts.Failed));
    }

    [Fact]
    public async Task A_renewed_lease_is_not_reaped()
    {
        var job = await SubmitAndLease();
        for (var i = 0; i < 10; i++)
        {
            Time.Advance(LeaseDuration / 3);
            await Store.RenewAsync(job.LeaseToken, new JobProgress(i, 10), LeaseDuration, None);
            Assert.Equal(0, await Store.ReapAsync(100, TimeSpan.Zero, None));
        }

        Assert.Equal(JobState.Running, (await Reload(job.Id)).State);
    }

    [Fact]
    public async Task A_job_running_past_its_timeout_fails_with_class_timeout()
    {
        var job = await SubmitAndLease(NewJob() with { Timeout = TimeSpan.FromMinutes(1) });
        var grace = TimeSpan.FromSeconds(30);
        for (var elapsed = TimeSpan.Zero; elapsed <= TimeSpan.FromSeconds(80); elapsed += TimeSpan.FromSeconds(10))
        {
            Time.Advance(TimeSpan.FromSeconds(10));
            await Store.RenewAsync(job.LeaseToken, null, LeaseDuration, None);
            await Store.ReapAsync(100, grace, None);
        }
        Assert.Equal(JobState.Running, (await Reload(job.Id)).State);

        Time.Advance(TimeSpan.FromSeconds(10));
        await Store.ReapAsync(100, grace, None);

        var failed = await Reload(job.Id);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(ErrorClasses.Timeout, failed.Error!.Class);
    }

    [Fact]
    public async Task Promote_moves_only_due_jobs_and_next_due_is_the_earliest()
    {
        var soon = await Submit(NewJob() with { RunAt = Time.GetUtcNow().AddSeconds(30) });
        await Submit(NewJob() with { RunAt = Time.GetUtcNow().AddMinutes(10) });
        var ready = new List<string>();
        Store.Signals.JobsReady += ready.Add;

        Assert.Equal(soon.RunAt, await Store.NextDueAsync(None));
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await Store.PromoteDueAsync(100, None));

        Assert.Equal(JobState.Queued, (await Reload(soon.Id)).State);
        Assert.Contains("default", ready);
        Assert.Equal((1, 1), ((await Counts()).Scheduled, (await Counts()).Queued));
        Assert.Equal(JobEventTypes.Queued, (await EventsOf(soon.Id)).Last().Type);
    }

    [Fact]
    public async Task Purge_deletes_only_jobs_that_finished_before_the_horizon()
    {
        var old = await SubmitAndLease();
        await Store.CompleteAsync(old.LeaseToken, null, None);
        var oldCanceled = await Submit();
        await Store.CancelAsync(oldCanceled.Id, null, None);
        Time.Advance(TimeSpan.FromDays(8));
        var recent = await SubmitAndLease();
        await Store.CompleteAsync(recent.LeaseToken, null, None);
        var pending = await Submit();

        var purged = await Store.PurgeFinishedAsync(Time.GetUtcNow() - TimeSpan.FromDays(7), 100, None);

        Assert.Equal(new[] { old.Id, oldCanceled.Id }.Order(), purged.Order());
        Assert.Null(await Store.GetAsync(old.Id, None));
        Assert.NotNull(await Store.GetAsync(recent.Id, None));
        Assert.NotNull(await Store.GetAsync(pending.Id, None));
        var counts = await Counts();
        Assert.Equal((1, 0, 1), (counts.Succeeded, counts.Canceled, counts.Queued));
        var totals = (await Store.GetStatsAsync(None)).Queues.Single().Totals;
        Assert.Equal((4, 2, 1), (totals.Submitted, totals.Succeeded, totals.Canceled));
    }

    [Fact]
    public async Task Trim_history_drops_old_events_and_activity_and_forgotten_workers()
    {
        var old = await Submit();
        await RegisterWorker("old-worker");
        Time.Advance(TimeSpan.FromDays(2));
        var recent = await Submit();
        await RegisterWorker("recent-worker");

        await Store.TrimHistoryAsync(Time.GetUtcNow() - TimeSpan.FromDays(1), None);

        Assert.Empty(await EventsOf(old.Id));
        Assert.Single(await EventsOf(recent.Id));
        Assert.Equal(["recent-worker"], (await Store.ListWorkersAsync(None)).Select(w => w.Id));
        var activity = await Store.GetActivityAsync(Time.GetUtcNow() - TimeSpan.FromDays(3), None);
        Assert.Equal(1, activity.Sum(a => a.Submitted));
    }
}
