using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Server.Dispatch;

namespace RenderQueue.Server.Tests;

/// <summary>Among parked workers a new job wakes the one busy most recently, so work packs onto warm machines.</summary>
public sealed class PackingTests
{
    [Fact]
    public async Task A_new_job_goes_to_the_most_recently_busy_parked_worker_not_the_longest_parked()
    {
        using var app = new RenderQueueApp();
        var http = app.CreateClient();
        var dispatcher = app.Services.GetRequiredService<LeaseDispatcher>();
        await http.RegisterWorkerAsync("worked");
        await http.RegisterWorkerAsync("fresh");

        var worked = http.LeaseAsync("worked", wait: 30);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "the first worker to park");
        var first = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        Assert.Equal(first.Id, (await worked).Single().Id); // the only one parked
        (await http.CompleteAsync(first.Id, 1)).EnsureSuccessStatusCode();

        var workedAgain = http.LeaseAsync("worked", wait: 30); // came back after its job: busy just now
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "the worker to park");
        var fresh = http.LeaseAsync("fresh", wait: 30); // never leased: parked longer ago than nothing, never busy
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 2, "both to park");

        var second = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        Assert.Equal(second.Id, (await workedAgain.WaitAsync(TimeSpan.FromSeconds(10))).Single().Id);
        Assert.False(fresh.IsCompleted);
    }

    [Fact]
    public async Task Among_workers_never_busy_the_longest_parked_is_woken_first()
    {
        using var app = new RenderQueueApp();
        var http = app.CreateClient();
        var dispatcher = app.Services.GetRequiredService<LeaseDispatcher>();
        await http.RegisterWorkerAsync("first");
        await http.RegisterWorkerAsync("second");

        var first = http.LeaseAsync("first", wait: 30);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 1, "the first to park");
        var second = http.LeaseAsync("second", wait: 30);
        await Http.EventuallyAsync(() => Task.FromResult(dispatcher.Parked), n => n == 2, "both to park");

        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        Assert.Equal(job.Id, (await first.WaitAsync(TimeSpan.FromSeconds(10))).Single().Id);
        Assert.False(second.IsCompleted);
    }
}
