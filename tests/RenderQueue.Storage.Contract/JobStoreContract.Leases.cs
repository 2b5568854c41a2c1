using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    private static readonly JsonElement SampleResult = JsonDocument.Parse("""{"seed": 1234}""").RootElement.Clone();

    [Fact]
    public async Task Renew_extends_the_lease_and_records_progress()
    {
        var job = await SubmitAndLease();
        Time.Advance(TimeSpan.FromSeconds(10));

        var renewed = await Store.RenewAsync(job.LeaseToken, new JobProgress(5, 20, "KSampler"), LeaseDuration, None);

        Assert.Equal(Time.GetUtcNow() + LeaseDuration, renewed.LeaseExpiresAt);
        Assert.Equal(new JobProgress(5, 20, "KSampler"), (await Reload(job.Id)).Progress);
        var progress = (await EventsOf(job.Id)).Last();
        Assert.Equal(JobEventTypes.Progress, progress.Type);
        Assert.Equal(5, progress.Progress!.Value);
    }

    [Fact]
    public async Task Renew_without_new_progress_appends_no_event()
    {
        var job = await SubmitAndLease();
        await Store.RenewAsync(job.LeaseToken, new JobProgress(1, 4), LeaseDuration, None);
        var before = (await EventsOf(job.Id)).Count;

        await Store.RenewAsync(job.LeaseToken, null, LeaseDuration, None);
        await Store.RenewAsync(job.LeaseToken, new JobProgress(1, 4), LeaseDuration, None);

        Assert.Equal(before, (await EventsOf(job.Id)).Count);
    }

    [Fact]
    public async Task Renew_with_a_stale_attempt_is_refused_and_changes_nothing()
    {
        var job = await SubmitAndLease();
        var before = await Reload(job.Id);

        var refused = await Assert.ThrowsAsync<LeaseConflictException>(() =>
            Store.RenewAsync(new LeaseToken(job.Id, 2), new JobProgress(9, 10), LeaseDuration, None));

        Assert.Equal(1, refused.CurrentAttempt);
        var after = await Reload(job.Id);
        Assert.Equal(before.LeaseExpiresAt, after.LeaseExpiresAt);
        Assert.Null(after.Progress);
    }

    [Fact]
    public async Task Complete_with_the_current_attempt_succeeds()
    {
        var job = await SubmitAndLease();
        Time.Advance(TimeSpan.FromSeconds(3));

        var done = await Store.CompleteAsync(job.LeaseToken, SampleResult, None);

        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(1234, done.Result!.Value.GetProperty("seed").GetInt32());
        Assert.Equal(Time.GetUtcNow(), done.FinishedAt);
        Assert.Null(done.WorkerId);
        Assert.Null(done.LeaseExpiresAt);
        Assert.Equal("succeeded", done.Attempts.Single().Outcome);
        Assert.Equal(Time.GetUtcNow(), done.Attempts.Single().EndedAt);
        var counts = await Counts();
        Assert.Equal((0, 1), (counts.Running, counts.Succeeded));
    }

    [Fact]
    public async Task Complete_twice_is_refused_and_changes_nothing()
    {
        var job = await SubmitAndLease();
        var done = await Store.CompleteAsync(job.LeaseToken, SampleResult, None);
        Time.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<LeaseConflictException>(() => Store.CompleteAsync(job.LeaseToken, null, None));

        var after = await Reload(job.Id);
        Assert.Equal(done.FinishedAt, after.FinishedAt);
        Assert.Equal(1234, after.Result!.Value.GetProperty("seed").GetInt32());
        Assert.Equal(1, (await Counts()).Succeeded);
    }

    [Fact]
    public async Task Complete_many_applies_each_held_lease_and_refuses_the_others_on_their_own_in_order()
    {
        await Store.EnqueueAsync([.. Enumerable.Range(0, 3).Select(_ => NewJob())], None);
        var leased = await Store.LeaseAsync(Lease() with { MaxJobs = 3 }, None);
        Assert.Equal(3, leased.Count);
        var unknown = new LeaseToken(JobId.New(Time), 1);
        var stale = leased[1].LeaseToken with { Attempt = 2 };
        Time.Advance(TimeSpan.FromSeconds(2));

        var results = await Store.CompleteManyAsync(
        [
            new CompletionRequest(leased[0].LeaseToken, SampleResult), new CompletionRequest(stale),
            new CompletionRequest(unknown), new CompletionRequest(leased[2].LeaseToken),
            new CompletionRequest(leased[0].LeaseToken), // the same job again: its lease is gone by now
        ], None);

        Assert.Equal([leased[0].LeaseToken, stale, unknown, leased[2].LeaseToken, leased[0].LeaseToken], results.Select(r => r.Lease));
        Assert.Equal(JobState.Succeeded, results[0].Job!.State);
        Assert.Equal(1234, results[0].Job!.Result!.Value.GetProperty("seed").GetInt32());
        Assert.Equal(Time.GetUtcNow(), results[0].Job!.FinishedAt);
        Assert.IsType<LeaseConflictException>(results[1].Refusal);
        Assert.IsType<JobNotFoundException>(results[2].Refusal);
        Assert.Equal(JobState.Succeeded, results[3].Job!.State);
        Assert.IsType<LeaseConflictException>(results[4].Refusal);
        Assert.All(results, r => Assert.True(r.Job is null != (r.Refusal is null)));
        Assert.Equal(JobState.Running, (await Reload(leased[1].Id)).State); // the stale attempt changed nothing
        var counts = await Counts();
        Assert.Equal((1, 2), (counts.Running, counts.Succeeded));
        Assert.Single(await EventsOf(leased[2].Id), e => e.Type == JobEventTypes.Succeeded);
    }

    [Fact]
    public async Task Calls_with_the_attempt_of_a_lost_lease_are_refused()
    {
        var first = await SubmitAndLease(worker: "slow");
        Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await Store.ReapAsync(100, TimeSpan.Zero, None);
        var second = (await LeaseOne(Lease("fast")))!;

        await Assert.ThrowsAsync<LeaseConflictException>(() => Store.RenewAsync(first.LeaseToken, null, LeaseDuration, None));
        await Assert.ThrowsAsync<LeaseConflictException>(() => Store.CompleteAsync(first.LeaseToken, null, None));
        await Assert.ThrowsAsync<LeaseConflictException>(() => Store.FailAsync(first.LeaseToken, new JobFailure(new JobError("x")), None));
        await Assert.ThrowsAsync<LeaseConflictException>(() => Store.ReleaseAsync(first.LeaseToken, "x", None));
        await Assert.ThrowsAsync<LeaseConflictException>(() =>
            Store.AddArtifactAsync(first.LeaseToken, new ArtifactInfo("a.png", 1, "image/png", Time.GetUtcNow()), None));

        var after = await Reload(first.Id);
        Assert.Equal((JobState.Running, 2, "fast"), (after.State, after.Attempt, after.WorkerId));
        Assert.Empty(after.Artifacts);
    }

    [Fact]
    public async Task Fail_with_attempts_left_schedules_a_retry_after_the_backoff()
    {
        var job = await SubmitAndLease();

        var failed = await Store.FailAsync(job.LeaseToken, new JobFailure(new JobError("CUDA out of memory", ErrorClasses.OutOfMemory)), None);

        Assert.Equal(JobState.Scheduled, failed.State);
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(10), failed.RunAt);
        Assert.Equal(ErrorClasses.OutOfMemory, failed.Error!.Class);
        Assert.Equal("scheduled", failed.Attempts.Single().Outcome);
        Assert.Equal(failed.RunAt, await Store.NextDueAsync(None));

        Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await Store.PromoteDueAsync(100, None));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Store.PromoteDueAsync(100, None));

        var again = (await LeaseOne())!;
        Assert.Equal(2, again.Attempt);
        Assert.Equal(2, again.Attempts.Count);
    }

    [Fact]
    public async Task Backoff_grows_exponentially_up_to_the_maximum()
    {
        var job = await SubmitAndLease(NewJob() with { MaxAttempts = 10 });
        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 7; attempt++)
        {
            var failed = await Store.FailAsync(job.LeaseToken, new JobFailure(new JobError("boom")), None);
            delays.Add(failed.RunAt!.Value - Time.GetUtcNow());
            Time.Advance(delays[^1]);
            await Store.PromoteDueAsync(100, None);
            job = (await LeaseOne())!;
        }

        Assert.Equal(new[] { 10, 20, 40, 80, 160, 300, 300 }, delays.Select(d => (int)d.TotalSeconds));
    }

    [Fact]
    public async Task Fail_that_is_not_retryable_fails_at_once()
    {
        var job = await SubmitAndLease();
        var error = new JobError("Value not in list: ckpt_name", ErrorClasses.InvalidInput, JsonDocument.Parse("""{"4": {"errors": []}}""").RootElement);

        var failed = await Store.FailAsync(job.LeaseToken, new JobFailure(error, Retryable: false), None);

        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(ErrorClasses.InvalidInput, failed.Error!.Class);
        Assert.True(failed.Error.Details!.Value.TryGetProperty("4", out _));
        Assert.Equal(1, (await Counts()).Failed);
    }

    [Fact]
    public async Task Fail_on_the_last_attempt_fails_for_good()
    {
        var job = await SubmitAndLease(NewJob() with { MaxAttempts = 1 });

        var failed = await Store.FailAsync(job.LeaseToken, new JobFailure(new JobError("oom", ErrorClasses.OutOfMemory)), None);

        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(Time.GetUtcNow(), failed.FinishedAt);
    }

    [Fact]
    public async Task Release_requeues_at_once_without_charging_the_attempt()
    {
        var job = await SubmitAndLease(NewJob() with { MaxAttempts = 1 });

        var released = await Store.ReleaseAsync(job.LeaseToken, "worker draining", None);
        Assert.Equal(JobState.Queued, released.State);
        Assert.Equal("released", released.Attempts.Single().Outcome);

        var again = (await LeaseOne())!;
        Assert.Equal(2, again.Attempt);
        var failed = await Store.FailAsync(again.LeaseToken, new JobFailure(new JobError("boom")), None);
        Assert.Equal(JobState.Failed, failed.State);
    }

    [Fact]
    public async Task Artifacts_are_recorded_on_the_running_attempt()
    {
        var job = await SubmitAndLease();

        await Store.AddArtifactAsync(job.LeaseToken, new ArtifactInfo("out.png", 10, "image/png", Time.GetUtcNow()), None);
        await Store.AddArtifactAsync(job.LeaseToken, new ArtifactInfo("out.txt", 3, "text/plain", Time.GetUtcNow()), None);
        await Store.AddArtifactAsync(job.LeaseToken, new ArtifactInfo("out.png", 20, "image/png", Time.GetUtcNow()), None);

        var stored = await Reload(job.Id);
        Assert.Equal(["out.txt", "out.png"], stored.Artifacts.Select(a => a.Name));
        Assert.Equal(20, stored.Artifacts.Single(a => a.Name == "out.png").Size);
    }
}
