using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.EndToEnd;

public sealed class DemoModeTests
{
    [Fact]
    public async Task Demo_mode_runs_a_simulated_worker_in_the_server_and_its_sample_jobs_all_succeed()
    {
        using var server = new ServerApp(settings: new() { ["Demo"] = "true" });
        var client = server.NewClient();

        var jobs = await WaitForDemoJobsAsync(client);

        Assert.Equal(5, jobs.Count);
        Assert.All(jobs, j => Jobs.AssertState(JobState.Succeeded, j));
        Assert.All(jobs, j => Assert.Equal("simulated.png", Assert.Single(j.Artifacts).Name));
        Assert.Contains(jobs, j => j.Attempts.Count == 2 && j.Attempts[0].Error?.Class == ErrorClasses.OutOfMemory);
        var worker = Assert.Single(await client.ListWorkersAsync());
        Assert.Equal("demo-worker", worker.Id);
    }

    private static async Task<IReadOnlyList<Job>> WaitForDemoJobsAsync(RenderQueueClient client)
    {
        var until = DateTime.UtcNow.AddSeconds(40);
        while (true)
        {
            var page = await client.ListJobsAsync(new JobListQuery { Queue = "demo" });
            if (page.Items.Count == 5 && page.Items.All(j => j.State.IsFinished())) return page.Items;
            if (DateTime.UtcNow > until)
                Assert.Fail("The demo jobs did not all finish in 40 s: " + string.Join(", ", page.Items.Select(j => $"{j.Id} {j.State.ToWire()}")));
            await Task.Delay(100);
        }
    }
}
