using System.Net;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Server.Tests;

/// <summary>The must-show lease rules, through HTTP only.</summary>
public sealed class LeaseLifecycleTests : IDisposable
{
    private readonly RenderQueueApp _app = new();
    private readonly HttpClient _http;

    public LeaseLifecycleTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Lease_returns_highest_priority_first()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var low = await _http.SubmitAsync("""{"type": "simulated", "payload": {"n": 0}, "priority": 0}""");
        var mid = await _http.SubmitAsync("""{"type": "simulated", "payload": {"n": 5}, "priority": 5}""");
        var high = await _http.SubmitAsync("""{"type": "simulated", "payload": {"n": 10}, "priority": 10}""");

        var order = new List<string>();
        for (var i = 0; i < 3; i++) order.Add((await _http.LeaseAsync("gpu-1")).Single().Id);

        Assert.Equal([high.Id, mid.Id, low.Id], order);
        Assert.Empty(await _http.LeaseAsync("gpu-1"));
    }

    [Fact]
    public async Task Complete_with_the_current_attempt_succeeds_and_a_second_complete_is_a_conflict()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        var leased = (await _http.LeaseAsync("gpu-1")).Single();
        Assert.Equal(1, leased.Attempt);

        var done = await (await _http.CompleteAsync(job.Id, 1)).ReadJobAsync();
        Assert.Equal(JobState.Succeeded, done.State);

        var again = await _http.CompleteAsync(job.Id, 1);
        await again.AssertProblemAsync(HttpStatusCode.Conflict, "no longer holds the lease");
        var after = await _http.GetJobAsync(job.Id);
        Assert.Equal(done.UpdatedAt, after.UpdatedAt);
        Assert.Equal(JobState.Succeeded, after.State);
    }

    [Fact]
    public async Task Expired_lease_goes_back_to_the_queue_and_the_next_lease_has_attempt_2()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        Assert.Equal(1, (await _http.LeaseAsync("gpu-1")).Single().Attempt);

        _app.Clock.Advance(TimeSpan.FromSeconds(31)); // the default lease is 30 s; the reaper runs every second
        var requeued = await Http.EventuallyAsync(() => _http.GetJobAsync(job.Id), j => j.State == JobState.Queued, "the reaper to requeue the job");
        Assert.Equal(ErrorClasses.Lost, requeued.Error?.Class);

        var second = (await _http.LeaseAsync("gpu-1")).Single();
        Assert.Equal(job.Id, second.Id);
        Assert.Equal(2, second.Attempt);

        var stale = await _http.CompleteAsync(job.Id, 1);
        await stale.AssertProblemAsync(HttpStatusCode.Conflict, "Attempt 1");
        Assert.Equal(JobState.Running, (await _http.GetJobAsync(job.Id)).State);
        Assert.Equal(JobState.Succeeded, (await (await _http.CompleteAsync(job.Id, 2)).ReadJobAsync()).State);
    }

    [Fact]
    public async Task After_max_attempts_an_expired_lease_fails_the_job_as_lost()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "max_attempts": 2}""");

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Assert.Equal(attempt, (await _http.LeaseAsync("gpu-1")).Single().Attempt);
            _app.Clock.Advance(TimeSpan.FromSeconds(31));
            await Http.EventuallyAsync(() => _http.GetJobAsync(job.Id), j => j.State != JobState.Running, $"attempt {attempt} to expire");
        }

        var failed = await _http.GetJobAsync(job.Id);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(ErrorClasses.Lost, failed.Error?.Class);
        Assert.Empty(await _http.LeaseAsync("gpu-1"));
    }

    [Fact]
    public async Task Renewing_keeps_the_lease_past_its_first_expiry()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        await _http.LeaseAsync("gpu-1");

        for (var i = 0; i < 4; i++)
        {
            _app.Clock.Advance(TimeSpan.FromSeconds(10));
            var renew = await _http.PostJsonAsync($"/api/v1/leases/{job.Id}/renew", """{"attempt": 1, "progress": {"value": 3, "max": 10}}""");
            Assert.Equal(HttpStatusCode.OK, renew.StatusCode);
        }

        var running = await _http.GetJobAsync(job.Id);
        Assert.Equal(JobState.Running, running.State);
        Assert.Equal(3, running.Progress?.Value);
    }

    [Fact]
    public async Task Cancel_of_a_running_job_reaches_the_worker_in_its_next_renew_and_ends_canceled()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        await _http.LeaseAsync("gpu-1");

        var cancel = await (await _http.PostJsonAsync($"/api/v1/jobs/{job.Id}/cancel", """{"reason": "changed my mind"}""")).ReadJobAsync();
        Assert.Equal(JobState.Running, cancel.State);
        Assert.True(cancel.CancelRequested);

        var renew = await (await _http.PostJsonAsync($"/api/v1/leases/{job.Id}/renew", """{"attempt": 1}""")).ReadAsync<Core.Api.RenewLeaseResponse>();
        Assert.True(renew.CancelRequested);

        var reported = await _http.PostJsonAsync($"/api/v1/leases/{job.Id}/fail",
            """{"attempt": 1, "error": {"message": "Interrupted on request", "class": "canceled"}, "retryable": false}""");
        Assert.Equal(JobState.Canceled, (await reported.ReadJobAsync()).State);
        Assert.Equal(JobState.Canceled, (await _http.GetJobAsync(job.Id)).State);
    }

    [Fact]
    public async Task Cancel_of_a_queued_job_is_immediate_and_it_is_never_leased()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        var canceled = await (await _http.PostAsync($"/api/v1/jobs/{job.Id}/cancel", null)).ReadJobAsync();
        Assert.Equal(JobState.Canceled, canceled.State);
        Assert.Empty(await _http.LeaseAsync("gpu-1"));
    }

    [Fact]
    public async Task Release_puts_the_job_back_at_once_without_charging_the_attempt()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "max_attempts": 1}""");
        await _http.LeaseAsync("gpu-1");

        var released = await (await _http.PostJsonAsync($"/api/v1/leases/{job.Id}/release", """{"attempt": 1, "reason": "draining"}""")).ReadJobAsync();
        Assert.Equal(JobState.Queued, released.State);
        var again = (await _http.LeaseAsync("gpu-1")).Single();
        Assert.Equal(2, again.Attempt);
        Assert.Equal(JobState.Succeeded, (await (await _http.CompleteAsync(job.Id, 2)).ReadJobAsync()).State);
    }

    [Fact]
    public async Task Lease_only_offers_jobs_of_the_types_the_worker_registered()
    {
        await _http.RegisterWorkerAsync("comfy", """["comfyui"]""");
        await _http.SubmitAsync("""{"type": "a1111", "payload": {}}""");
        var comfy = await _http.SubmitAsync("""{"type": "comfyui", "payload": {}}""");
        Assert.Equal(comfy.Id, (await _http.LeaseAsync("comfy", maxJobs: 5)).Single().Id);
    }

    [Fact]
    public async Task Get_shows_position_of_a_queued_job()
    {
        var first = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        var second = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        Assert.Equal(1, (await _http.GetJobAsync(first.Id)).Position);
        Assert.Equal(2, (await _http.GetJobAsync(second.Id)).Position);

        var page = await (await _http.GetAsync("/api/v1/jobs?state=queued")).ReadAsync<Core.Storage.JobPage>();
        Assert.Equal([second.Id, first.Id], page.Items.Select(j => j.Id));
        Assert.Equal([2, 1], page.Items.Select(j => j.Position ?? 0));
    }
}
