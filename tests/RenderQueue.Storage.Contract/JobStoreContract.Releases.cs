using RenderQueue.Core.Jobs;
using Xunit;

namespace RenderQueue.Storage.Contract;

/// <summary>MaxReleases: a run's first releases are free; each one past them is charged an attempt.</summary>
public abstract partial class JobStoreContract<TFixture>
{
    private async Task<Job> LeaseAndRelease(string id, string reason = "backend died before the job started")
    {
        var leased = (await LeaseOne())!;
        Assert.Equal(id, leased.Id);
        return await Store.ReleaseAsync(leased.LeaseToken, reason, None);
    }

    [Fact]
    public async Task Releases_past_MaxReleases_are_charged_an_attempt_until_the_job_fails()
    {
        Assert.Equal(3, Options.MaxReleases);
        var job = await Submit(NewJob() with { MaxAttempts = 2 });

        for (var release = 1; release <= 3; release++)
        {
            var free = await LeaseAndRelease(job.Id);
            Assert.Equal(JobState.Queued, free.State);
            Assert.Equal(release, free.Releases);
            Assert.Equal(2 + release, free.AttemptLimit); // not charged
        }

        var charged = await LeaseAndRelease(job.Id);
        Assert.Equal(JobState.Scheduled, charged.State); // retried after the usual backoff: attempt 4 waits 10 s · 2³
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(80), charged.RunAt);
        Assert.Equal(4, charged.Releases);
        Assert.Equal(5, charged.AttemptLimit);
        Assert.Equal(ErrorClasses.Released, charged.Error!.Class);
        Assert.Equal(JobLifecycle.ChargedReleaseMessage("backend died before the job started", 3), charged.Error.Message);
        Assert.Equal("scheduled", charged.Attempts[^1].Outcome);
        Assert.Equal(JobEventTypes.Retrying, (await EventsOf(job.Id))[^1].Type);

        Time.Advance(TimeSpan.FromSeconds(80));
        Assert.Equal(1, await Store.PromoteDueAsync(100, None));
        var failed = await LeaseAndRelease(job.Id);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(ErrorClasses.Released, failed.Error!.Class);
        Assert.Equal(5, failed.Attempt);
        Assert.Equal(1, (await Counts()).Failed);
    }

    [Fact]
    public async Task A_retry_starts_a_new_run_with_its_releases_free_again()
    {
        Options = Options with { MaxReleases = 0 };
        await UseStates(Options.States); // a store with the new rules
        var job = await Submit(NewJob() with { MaxAttempts = 1 });

        var failed = await LeaseAndRelease(job.Id);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(1, failed.Releases);

        var retried = await Store.RetryAsync(job.Id, None);
        Assert.Equal(0, retried.Releases);
        var charged = await LeaseAndRelease(job.Id);
        Assert.Equal(JobState.Failed, charged.State); // MaxReleases 0: every release is charged, and the run had one attempt
        Assert.Equal(1, charged.Releases);
    }

    [Fact]
    public async Task A_release_of_a_job_with_a_cancel_request_cancels_it_without_counting()
    {
        var job = await SubmitAndLease();
        await Store.CancelAsync(job.Id, "not needed", None);

        var canceled = await Store.ReleaseAsync(job.LeaseToken, "drain", None);

        Assert.Equal(JobState.Canceled, canceled.State);
        Assert.Equal(0, canceled.Releases);
    }
}
