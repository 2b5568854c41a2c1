using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using RenderQueue.Worker.Tests.Fakes;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.EndToEnd;

/// <summary>
/// A worker whose ComfyUI is down beside a healthy one. Real sockets and a real server force real time, so the outage is
/// scaled 1:20 (60 s → 3 s, probes every 2 s → 100 ms, and it lasts at least until the 100 jobs are done); the 5 s
/// bound on leasing again after the return is kept unscaled, as the issue states it.
/// </summary>
public sealed class BackendOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ScaledOutage = TimeSpan.FromSeconds(60 / 20.0);

    [Fact]
    public async Task ComfyUI_down_a_minute_charges_no_attempt_100_jobs_succeed_on_the_healthy_worker_and_the_sick_one_leases_within_5_s_of_its_return()
    {
        await using var sickComfy = await FakeComfyUI.StartAsync();
        await using var healthyComfy = await FakeComfyUI.StartAsync();
        sickComfy.StepDelay = healthyComfy.StepDelay = TimeSpan.FromMilliseconds(1);
        using var server = new ServerApp();
        var client = server.NewClient();
        await using var healthy = await WorkerHost.StartAsync(server.Address, "--comfyui", healthyComfy.Url.ToString(), "--id", "healthy", "--Worker:HealthInterval=00:00:00.100");
        await using var sick = await WorkerHost.StartAsync(
            server.Address, "--comfyui", sickComfy.Url.ToString(), "--id", "sick", "--labels", "pool=sick", "--Worker:HealthInterval=00:00:00.100");

        await sickComfy.GoDownAsync();
        var downAt = DateTimeOffset.UtcNow;
        var status = await WaitForWorkerAsync(client, "sick", w => w.Status == WorkerStatus.Unhealthy, TimeSpan.FromSeconds(5));
        output.WriteLine($"sick worker unhealthy after {(DateTimeOffset.UtcNow - downAt).TotalMilliseconds:0} ms: {status.StatusReason}");
        Assert.Contains("comfyui-0", status.StatusReason, StringComparison.Ordinal);
        Assert.Contains("system_stats", status.StatusReason, StringComparison.Ordinal);
        var backend = Assert.Single(status.Registration.Backends);
        Assert.Equal(BackendState.Unhealthy, backend.State);

        var ids = await client.SubmitBatchIdsAsync([.. Enumerable.Range(0, 100).Select(_ => Jobs.Request("comfyui", Fixtures.Txt2ImgWorkflow, maxAttempts: 3))]);
        // Only the sick worker may take this one: it shows when that worker leases again.
        var onlySick = Jobs.Request("comfyui", Fixtures.Txt2ImgWorkflow) with { Requirements = new JobRequirements(Labels: ["pool=sick"]) };
        var waiting = await client.SubmitAsync(onlySick);

        var jobs = new List<Job>();
        foreach (var id in ids) jobs.Add(await client.WaitForFinishedAsync(id, TimeSpan.FromSeconds(120)));
        var remaining = ScaledOutage - (DateTimeOffset.UtcNow - downAt);
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
        Assert.Equal(WorkerStatus.Unhealthy, (await WaitForWorkerAsync(client, "sick", _ => true, TimeSpan.FromSeconds(1))).Status);
        Assert.Equal(JobState.Queued, (await client.GetJobAsync(waiting.Id)).State);

        await sickComfy.ComeBackAsync();
        var returnedAt = DateTimeOffset.UtcNow;
        var leased = await client.WaitForFinishedAsync(waiting.Id, TimeSpan.FromSeconds(30));

        Assert.All(jobs, job => Jobs.AssertState(JobState.Succeeded, job));
        Assert.All(jobs, job => Assert.Equal("healthy", Assert.Single(job.Attempts).WorkerId));
        Assert.DoesNotContain(jobs.SelectMany(j => j.Attempts), a => a.WorkerId == "sick");
        Jobs.AssertState(JobState.Succeeded, leased);
        var attempt = Assert.Single(leased.Attempts);
        Assert.Equal("sick", attempt.WorkerId);
        var lag = attempt.StartedAt - returnedAt;
        output.WriteLine($"the sick worker leased {lag.TotalMilliseconds:0} ms after its ComfyUI came back");
        Assert.True(lag < TimeSpan.FromSeconds(5), $"leased {lag} after the return");
        Assert.Equal(WorkerStatus.Online, (await WaitForWorkerAsync(client, "sick", w => w.Status == WorkerStatus.Online, TimeSpan.FromSeconds(5))).Status);
    }

    private static async Task<WorkerInfo> WaitForWorkerAsync(RenderQueueClient client, string id, Func<WorkerInfo, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var worker = (await client.ListWorkersAsync()).Single(w => w.Id == id);
            if (condition(worker)) return worker;
            if (DateTime.UtcNow > until) Assert.Fail($"Worker {id} is {worker.Status} ({worker.StatusReason}) after {timeout}.");
            await Task.Delay(25);
        }
    }
}
