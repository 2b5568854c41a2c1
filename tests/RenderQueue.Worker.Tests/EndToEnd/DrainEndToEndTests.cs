using RenderQueue.Core.Jobs;
using RenderQueue.Worker.Tests.Runners;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.EndToEnd;

/// <summary>Stopping the worker (SIGTERM/Ctrl+C run the same host stop): finish within the grace, else release.</summary>
public sealed class DrainEndToEndTests
{
    [Fact]
    public async Task A_job_that_outlives_the_drain_grace_is_released_and_queued_again_at_once()
    {
        using var server = new ServerApp(leaseDuration: TimeSpan.FromSeconds(30));
        var client = server.NewClient();
        var worker = await WorkerHost.StartAsync(server.Address, "--types", "simulated", "--Worker:DrainGrace=00:00:00.300");
        var submitted = await client.SubmitAsync(Jobs.Request("simulated", """{"duration": 60, "steps": 60}"""));
        await ComfyUIRunnerTests.WaitUntil(() => worker.Agent.CurrentJobs.Contains(submitted.Id));

        await worker.DisposeAsync();

        var job = await client.GetJobAsync(submitted.Id);
        Jobs.AssertState(JobState.Queued, job);
        Assert.Equal("released", job.Attempts[0].Outcome);
        Assert.Equal(ErrorClasses.Released, job.Attempts[0].Error?.Class);
    }

    [Fact]
    public async Task A_job_that_finishes_within_the_drain_grace_completes()
    {
        using var server = new ServerApp();
        var client = server.NewClient();
        var worker = await WorkerHost.StartAsync(server.Address, "--types", "simulated", "--Worker:DrainGrace=00:00:10");
        var submitted = await client.SubmitAsync(Jobs.Request("simulated", """{"duration": 1, "steps": 4}"""));
        // Running on the server is not enough: the lease answer may still be on its way, and a job that reaches a
        // stopping worker is released by design. Stop only once the worker holds it.
        await ComfyUIRunnerTests.WaitUntil(() => worker.Agent.CurrentJobs.Contains(submitted.Id));

        await worker.DisposeAsync();

        Jobs.AssertState(JobState.Succeeded, await client.GetJobAsync(submitted.Id));
    }

    [Fact]
    public async Task A_job_past_its_timeout_is_stopped_and_failed_as_timeout_without_retry()
    {
        using var server = new ServerApp();
        var client = server.NewClient();
        await using var worker = await WorkerHost.StartAsync(server.Address, "--types", "simulated");
        var request = Jobs.Request("simulated", """{"duration": 30, "steps": 30}""", maxAttempts: 3) with { Timeout = TimeSpan.FromSeconds(1) };

        var job = await client.WaitForFinishedAsync((await client.SubmitAsync(request)).Id);

        Jobs.AssertState(JobState.Failed, job);
        Assert.Single(job.Attempts);
        Assert.Equal(ErrorClasses.Timeout, job.Error!.Class);
    }
}
