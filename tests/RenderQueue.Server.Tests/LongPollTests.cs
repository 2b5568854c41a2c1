using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Core.Jobs;
using RenderQueue.Server.Dispatch;

namespace RenderQueue.Server.Tests;

public sealed class LongPollTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Parked_lease_returns_the_job_soon_after_it_is_submitted_before_the_wait_ends()
    {
        using var app = new RenderQueueApp(TimeProvider.System); // real time: the wait must really run
        var http = app.CreateClient();
        await http.RegisterWorkerAsync("gpu-1");
        var dispatcher = app.Services.GetRequiredService<LeaseDispatcher>();
        var latencies = new List<double>();

        for (var round = 0; round < 5; round++)
        {
            var wait = TimeSpan.FromSeconds(10);
            var parked = http.LeaseAsync("gpu-1", wait.TotalSeconds);
            await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "the lease request to park");

            var clock = Stopwatch.StartNew();
            var submitted = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
            var leased = await parked.WaitAsync(wait); // throws TimeoutException if it only returned when the wait ended
            clock.Stop();

            Assert.Equal(submitted.Id, leased.Single().Id);
            Assert.True(clock.Elapsed < wait, $"The lease took {clock.Elapsed} after the submit.");
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(JobState.Succeeded, (await (await http.CompleteAsync(submitted.Id, 1)).ReadJobAsync()).State);
        }

        output.WriteLine($"Long-poll pickup latency (submit sent → lease answered), ms: {string.Join(", ", latencies.Select(l => l.ToString("0.0")))}; median {latencies.Order().ElementAt(2):0.0} ms");
    }

    [Fact]
    public async Task Lease_wait_runs_out_with_no_jobs()
    {
        using var app = new RenderQueueApp();
        var http = app.CreateClient();
        await http.RegisterWorkerAsync("gpu-1");
        var dispatcher = app.Services.GetRequiredService<LeaseDispatcher>();

        var parked = http.LeaseAsync("gpu-1", wait: 5);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "the lease request to park");
        app.Clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Empty(await parked);
    }

    [Fact]
    public async Task Parked_lease_is_not_woken_by_a_job_of_another_queue()
    {
        using var app = new RenderQueueApp();
        var http = app.CreateClient();
        var register = await http.PostJsonAsync("/api/v1/workers/register", """{"id": "eu", "name": "eu", "types": ["simulated"], "queues": ["eu"]}""");
        register.EnsureSuccessStatusCode();
        var dispatcher = app.Services.GetRequiredService<LeaseDispatcher>();

        var parked = http.LeaseAsync("eu", wait: 30);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "the lease request to park");
        await http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "us"}""");
        Assert.False(parked.IsCompleted);

        var eu = await http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "eu"}""");
        Assert.Equal(eu.Id, (await parked).Single().Id);
    }

    [Fact]
    public async Task Abandoned_lease_request_does_not_keep_a_job()
    {
        using var app = new RenderQueueApp();
        var http = app.CreateClient();
        await http.RegisterWorkerAsync("gpu-1");
        var dispatcher = app.Services.GetRequiredService<LeaseDispatcher>();

        using var gone = new CancellationTokenSource();
        var parked = http.LeaseAsync("gpu-1", wait: 30, ct: gone.Token);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "the lease request to park");
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parked);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 0, "the abandoned request to leave");

        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        var leased = (await http.LeaseAsync("gpu-1")).Single();
        Assert.Equal(job.Id, leased.Id);
        Assert.Equal(1, leased.Attempt);
    }

    [Fact]
    public async Task One_job_wakes_one_parked_request_not_every_idle_worker()
    {
        using var app = new RenderQueueApp(); // a manual clock: no re-check fires, only the signal can deliver
        var http = app.CreateClient();
        var dispatcher = app.Services.GetRequiredService<LeaseDispatcher>();
        var workers = Enumerable.Range(1, 8).Select(i => $"gpu-{i}").ToList();
        foreach (var worker in workers) await http.RegisterWorkerAsync(worker);
        var parked = workers.Select(worker => http.LeaseAsync(worker, wait: 30)).ToList();
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 8, "eight lease requests to park");
        var looksBefore = dispatcher.StoreLooks;

        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");

        var first = await await Task.WhenAny(parked);
        Assert.Equal(job.Id, first.Single().Id);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 7, "the other seven to be parked");
        var looks = dispatcher.StoreLooks - looksBefore;
        Assert.True(looks <= 2, $"One submit cost {looks} looks at the store; waking every parked worker costs 8.");
        Assert.Equal(1, parked.Count(lease => lease.IsCompleted));
    }

    [Fact]
    public async Task A_job_the_longest_parked_worker_cannot_run_travels_on_to_one_that_can()
    {
        using var app = new RenderQueueApp();
        var http = app.CreateClient();
        var dispatcher = app.Services.GetRequiredService<LeaseDispatcher>();
        await http.RegisterWorkerAsync("cpu-1", types: """["command"]""");
        await http.RegisterWorkerAsync("cpu-2", types: """["command"]""");
        await http.RegisterWorkerAsync("gpu-1");
        var cpu1 = http.LeaseAsync("cpu-1", wait: 30);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "cpu-1 to park first");
        var cpu2 = http.LeaseAsync("cpu-2", wait: 30);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 2, "cpu-2 to park");
        var gpu = http.LeaseAsync("gpu-1", wait: 30);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 3, "gpu-1 to park last");

        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");

        Assert.Equal(job.Id, (await gpu.WaitAsync(TimeSpan.FromSeconds(30))).Single().Id);
        Assert.False(cpu1.IsCompleted || cpu2.IsCompleted);
    }

    [Fact]
    public async Task A_batch_reaches_as_many_parked_requests_as_it_has_jobs()
    {
        using var app = new RenderQueueApp();
        var http = app.CreateClient();
        var dispatcher = app.Services.GetRequiredService<LeaseDispatcher>();
        var workers = Enumerable.Range(1, 4).Select(i => $"gpu-{i}").ToList();
        foreach (var worker in workers) await http.RegisterWorkerAsync(worker);
        var parked = workers.Select(worker => http.LeaseAsync(worker, wait: 30)).ToList();
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 4, "four lease requests to park");

        var batch = await http.PostJsonAsync("/api/v1/jobs/batch", """{"jobs": [{"type": "simulated", "payload": {}}, {"type": "simulated", "payload": {}}, {"type": "simulated", "payload": {}}]}""");
        batch.EnsureSuccessStatusCode();

        await Http.EventuallyAsync(() => Task.FromResult(parked.Count(p => p.IsCompleted)), n => n == 3, "three requests to get a job each");
        Assert.All(parked.Where(p => p.IsCompleted), p => Assert.Single(p.Result));
        // The third lease passes the wake-up on, so the fourth request may still be looking when the third answers.
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "the fourth request to park again");
        Assert.Equal(3, parked.Count(p => p.IsCompleted));
    }

    [Fact]
    public async Task Lease_for_an_unregistered_worker_is_a_404_telling_it_to_register()
    {
        using var app = new RenderQueueApp();
        var response = await app.CreateClient().PostJsonAsync("/api/v1/leases", """{"worker_id": "ghost", "wait": 0}""");
        await response.AssertProblemAsync(System.Net.HttpStatusCode.NotFound, "register");
    }
}
