using RenderQueue.Core.Jobs;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    [Fact]
    public async Task Cancel_of_a_queued_or_scheduled_job_is_immediate()
    {
        var queued = await Submit();
        var scheduled = await Submit(NewJob() with { RunAt = Time.GetUtcNow().AddHours(1) });

        Assert.Equal(JobState.Canceled, (await Store.CancelAsync(queued.Id, "not needed", None)).State);
        Assert.Equal(JobState.Canceled, (await Store.CancelAsync(scheduled.Id, null, None)).State);

        Assert.Null(await LeaseOne());
        var counts = await Counts();
        Assert.Equal((0, 0, 2), (counts.Queued, counts.Scheduled, counts.Canceled));
        Assert.Equal("not needed", (await EventsOf(queued.Id)).Last().Reason);
    }

    [Fact]
    public async Task Cancel_of_a_running_job_reaches_the_worker_in_its_next_renew()
    {
        var job = await SubmitAndLease();

        var requested = await Store.CancelAsync(job.Id, "changed my mind", None);
        Assert.Equal(JobState.Running, requested.State);
        Assert.True(requested.CancelRequested);
        Assert.Equal(JobEventTypes.CancelRequested, (await EventsOf(job.Id)).Last().Type);

        var renew = await Store.RenewAsync(job.LeaseToken, new JobProgress(3, 10), LeaseDuration, None);
        Assert.True(renew.CancelRequested);

        var ended = await Store.FailAsync(job.LeaseToken, new JobFailure(new JobError("interrupted", ErrorClasses.Canceled)), None);
        Assert.Equal(JobState.Canceled, ended.State);
        Assert.Equal(1, (await Counts()).Canceled);
    }

    [Fact]
    public async Task Cancel_of_a_finished_job_is_refused()
    {
        var job = await SubmitAndLease();
        await Store.CompleteAsync(job.LeaseToken, null, None);

        var refused = await Assert.ThrowsAsync<JobStateConflictException>(() => Store.CancelAsync(job.Id, null, None));
        Assert.Equal(JobState.Succeeded, refused.State);
    }

    [Fact]
    public async Task Retry_queues_a_failed_job_with_a_fresh_attempt_budget()
    {
        var job = await SubmitAndLease(NewJob() with { MaxAttempts = 1 });
        await Store.FailAsync(job.LeaseToken, new JobFailure(new JobError("boom")), None);

        var retried = await Store.RetryAsync(job.Id, None);

        Assert.Equal(JobState.Queued, retried.State);
        Assert.Null(retried.Error);
        var again = (await LeaseOne())!;
        Assert.Equal(2, again.Attempt);
        var failedAgain = await Store.FailAsync(again.LeaseToken, new JobFailure(new JobError("boom")), None);
        Assert.Equal(JobState.Failed, failedAgain.State);
        Assert.Contains(await EventsOf(job.Id), e => e.Type == JobEventTypes.Retried);
    }

    [Fact]
    public async Task Retry_of_a_job_that_has_not_failed_is_refused()
    {
        var running = await SubmitAndLease();
        var queued = await Submit();

        await Assert.ThrowsAsync<JobStateConflictException>(() => Store.RetryAsync(running.Id, None));
        await Assert.ThrowsAsync<JobStateConflictException>(() => Store.RetryAsync(queued.Id, None));
    }

    [Fact]
    public async Task Flag_sends_a_succeeded_job_back_for_re_render_with_its_reason()
    {
        var job = await SubmitAndLease();
        await Store.CompleteAsync(job.LeaseToken, null, None);

        var flagged = await Store.FlagAsync(job.Id, "hands look wrong", None);

        Assert.Equal(JobState.Queued, flagged.State);
        Assert.Equal("hands look wrong", flagged.FlagReason);
        Assert.Null(flagged.FinishedAt);
        Assert.Equal(2, (await LeaseOne())!.Attempt);
        Assert.Equal("hands look wrong", (await EventsOf(job.Id)).Single(e => e.Type == JobEventTypes.Flagged).Reason);
        await Assert.ThrowsAsync<JobStateConflictException>(() => Store.FlagAsync(job.Id, "again", None));
    }

    [Fact]
    public async Task Priority_changes_reorder_waiting_jobs_and_are_refused_once_running()
    {
        var first = await Submit();
        var second = await Submit();

        await Store.SetPriorityAsync(second.Id, 50, None);
        var leased = (await LeaseOne())!;

        Assert.Equal(second.Id, leased.Id);
        Assert.Equal(50, leased.Priority);
        await Assert.ThrowsAsync<JobStateConflictException>(() => Store.SetPriorityAsync(leased.Id, 1, None));
        Assert.Equal(first.Id, (await LeaseOne())!.Id);
    }

    [Fact]
    public async Task Collected_marks_a_succeeded_job_as_done()
    {
        var job = await SubmitAndLease();
        await Store.CompleteAsync(job.LeaseToken, null, None);
        Time.Advance(TimeSpan.FromMinutes(1));

        var collected = await Store.MarkCollectedAsync(job.Id, None);

        Assert.Equal(Time.GetUtcNow(), collected.CollectedAt);
        Assert.Equal(JobState.Succeeded, collected.State);
    }

    [Fact]
    public async Task Operations_on_an_unknown_job_are_refused_as_not_found()
    {
        const string unknown = "01jd00000000000000000000zz";

        Assert.Null(await Store.GetAsync(unknown, None));
        await Assert.ThrowsAsync<JobNotFoundException>(() => Store.CancelAsync(unknown, null, None));
        await Assert.ThrowsAsync<JobNotFoundException>(() => Store.RetryAsync(unknown, None));
        await Assert.ThrowsAsync<JobNotFoundException>(() => Store.FlagAsync(unknown, "x", None));
        await Assert.ThrowsAsync<JobNotFoundException>(() => Store.SetPriorityAsync(unknown, 1, None));
        await Assert.ThrowsAsync<JobNotFoundException>(() => Store.RenewAsync(new LeaseToken(unknown, 1), null, LeaseDuration, None));
        await Assert.ThrowsAsync<JobNotFoundException>(() => Store.CompleteAsync(new LeaseToken(unknown, 1), null, None));
        Assert.Empty(await Store.GetPositionsAsync([unknown], None));
    }
}
