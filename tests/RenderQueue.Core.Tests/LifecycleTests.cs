using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Tests;

/// <summary>The state machine alone; the stores' behaviour is covered by the contract suite.</summary>
public sealed class LifecycleTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Job Queued() => JobLifecycle.Submit(new NewJob
    {
        Id = "01jd3r1q6m8x0b4k7c2w9f5t3n",
        Queue = "default",
        Type = "simulated",
        Payload = JsonDocument.Parse("{}").RootElement,
        MaxAttempts = 2,
    }, Now).Job;

    [Fact]
    public void Only_queued_jobs_can_be_leased()
    {
        var running = JobLifecycle.Lease(Queued(), "w", Now, TimeSpan.FromSeconds(30)).Job;

        Assert.Throws<JobStateConflictException>(() => JobLifecycle.Lease(running, "w2", Now, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_change_made_ready_only_when_the_job_enters_the_queue()
    {
        var submitted = JobLifecycle.Submit(new NewJob { Id = "x", Queue = "q", Type = "t", Payload = JsonDocument.Parse("{}").RootElement }, Now);
        var leased = JobLifecycle.Lease(submitted.Job, "w", Now, TimeSpan.FromSeconds(30));
        var released = JobLifecycle.Release(leased.Job, leased.Job.LeaseToken, "drain", Now);

        Assert.True(submitted.MadeReady);
        Assert.False(leased.MadeReady);
        Assert.True(released.MadeReady);
    }

    [Fact]
    public void A_lost_lease_with_a_cancel_request_ends_canceled()
    {
        var running = JobLifecycle.Lease(Queued(), "w", Now, TimeSpan.FromSeconds(30)).Job;
        var requested = JobLifecycle.Cancel(running, "stop", Now).Job;

        var expired = JobLifecycle.Expire(requested, Now.AddMinutes(1));

        Assert.Equal(JobState.Canceled, expired.Job.State);
        Assert.Equal(JobEventTypes.Canceled, expired.EventType);
    }

    [Fact]
    public void A_second_cancel_of_a_running_job_changes_nothing()
    {
        var running = JobLifecycle.Lease(Queued(), "w", Now, TimeSpan.FromSeconds(30)).Job;
        var requested = JobLifecycle.Cancel(running, null, Now).Job;

        var again = JobLifecycle.Cancel(requested, null, Now.AddSeconds(1));

        Assert.Null(again.EventType);
        Assert.Same(requested, again.Job);
    }
}
