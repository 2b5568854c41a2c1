using System.Diagnostics;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using RenderQueue.Processes;
using RenderQueue.Worker.Tests.Runtime;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.EndToEnd;

/// <summary>The worker as a real process: kill -9 mid-job, and GPUs from whatever nvidia-smi is on its PATH.</summary>
public sealed class WorkerProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Kill_9_mid_job_the_job_is_leased_again_after_the_lease_expires_and_completes_exactly_once()
    {
        using var folder = new TempDirectory("renderqueue-e2e-kill");
        var ledger = folder.File("ledger");
        var noGpus = Directory.CreateDirectory(folder.File("empty-bin")).FullName;
        var fakeBin = new TempDirectory("renderqueue-e2e-bin");
        using var _ = fakeBin;
        GpuProbeTests.FakeNvidiaSmi(fakeBin, "0, NVIDIA GeForce RTX 4090, 24564, 20000, GPU-aaaa\n1, NVIDIA GeForce RTX 3090, 24576, 24000, GPU-bbbb");
        using var server = new ServerApp(leaseDuration: TimeSpan.FromSeconds(2));
        var client = server.NewClient();

        string[] Args(string id) => ["--server", server.Address.ToString(), "--types", "simulated", "--id", id, $"--Worker:Simulated:LedgerFolder={ledger}", "--Worker:ProgressInterval=00:00:00.100"];
        await using var first = WorkerProcess.Start(Args("first"), new Dictionary<string, string> { ["PATH"] = noGpus });
        var submitted = await client.SubmitAsync(Jobs.Request("simulated", """{"duration": 3, "steps": 6}""", maxAttempts: 3));
        await WaitUntilAsync(() => Ledger(ledger).Contains("start\t" + submitted.Id, StringComparison.Ordinal), first);
        var firstWorker = (await client.ListWorkersAsync()).Single(w => w.Id == "first");

        await first.KillAsync();
        var killedAt = Stopwatch.StartNew();
        await using var second = WorkerProcess.Start(Args("second"), new Dictionary<string, string> { ["PATH"] = fakeBin.Path });
        var job = await client.WaitForFinishedAsync(submitted.Id, TimeSpan.FromSeconds(40));

        Jobs.AssertState(JobState.Succeeded, job);
        Assert.Equal(2, job.Attempt);
        Assert.Equal(["first", "second"], job.Attempts.Select(a => a.WorkerId));
        var releasedAfter = job.Attempts[1].StartedAt - job.Attempts[0].StartedAt;
        output.WriteLine($"attempt 1 start → attempt 2 start: {releasedAfter.TotalMilliseconds:0} ms (lease {server.LeaseDuration.TotalSeconds:0} s); kill → succeeded: {killedAt.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(releasedAfter >= server.LeaseDuration, "leased again only after the lease expired");
        var lines = Ledger(ledger).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .Where(l => l[1] == submitted.Id).OrderBy(l => l[4], StringComparer.Ordinal).ToList(); // by time (all UTC)
        Assert.Equal(["start 1", "start 2", "end 2 succeeded"], lines.Select(l => l[0] == "end" ? $"end {l[2]} {l[5]}" : $"start {l[2]}"));
        Assert.NotEqual(lines[0][3], lines[1][3]); // two processes
        var events = await client.EventsAsync(job.Id);
        Assert.Single(events, e => e.Type == JobEventTypes.Succeeded);

        Assert.Empty(firstWorker.Registration.Gpus);
        var secondWorker = (await client.ListWorkersAsync()).Single(w => w.Id == "second");
        Assert.Equal([new GpuInfo(0, "NVIDIA GeForce RTX 4090", 24564, 20000, "GPU-aaaa"), new GpuInfo(1, "NVIDIA GeForce RTX 3090", 24576, 24000, "GPU-bbbb")],
            secondWorker.Registration.Gpus);
        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Sigterm_drains_the_worker_releases_its_running_job_and_exits_cleanly()
    {
        using var server = new ServerApp(leaseDuration: TimeSpan.FromSeconds(30));
        var client = server.NewClient();
        await using var worker = WorkerProcess.Start(
            ["--server", server.Address.ToString(), "--types", "simulated", "--id", "terminated", "--Worker:DrainGrace=00:00:00.500", "--Worker:Gpus:Enabled=false"],
            new Dictionary<string, string>());
        var submitted = await client.SubmitAsync(Jobs.Request("simulated", """{"duration": 60, "steps": 60}"""));
        await WaitUntilAsync(() => client.GetJobAsync(submitted.Id).Result.Progress is not null, worker); // the runner has started

        var clock = Stopwatch.StartNew();
        var exitCode = await worker.TerminateAsync(TimeSpan.FromSeconds(20));
        output.WriteLine($"SIGTERM → exited with the job released: {clock.Elapsed.TotalMilliseconds:0} ms (drain grace 500 ms)");

        Assert.True(exitCode == 0, $"exit code {exitCode}; log:\n{worker.Log}");
        var job = await client.GetJobAsync(submitted.Id);
        Assert.True(job.State == JobState.Queued, $"job {job.State}; worker log:\n{worker.Log}");
        Assert.Equal("released", job.Attempts[0].Outcome);
        Assert.Contains("releasing it to the queue", worker.Log, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: ", worker.Log); // UTC time on every line
    }

    [Fact]
    public async Task A_worker_sends_the_key_from_RENDERQUEUE_KEY_and_one_without_a_key_gets_nothing()
    {
        using var server = new ServerApp();
        var client = server.NewClient(await server.CreateKeyAsync(Core.Keys.ApiKeyRole.Submit));
        var workerKey = await server.CreateKeyAsync(Core.Keys.ApiKeyRole.Worker);
        string[] Args(string id) => ["--server", server.Address.ToString(), "--types", "simulated", "--id", id, "--Worker:Gpus:Enabled=false"];
        await using var keyless = WorkerProcess.Start(Args("keyless"), new Dictionary<string, string>());
        await using var keyed = WorkerProcess.Start(Args("keyed"), new Dictionary<string, string> { ["RENDERQUEUE_KEY"] = workerKey });

        var submitted = await client.SubmitAsync(Jobs.Request("simulated", """{"duration": 0.2, "steps": 2}"""));
        var job = await client.WaitForFinishedAsync(submitted.Id, TimeSpan.FromSeconds(30));

        Jobs.AssertState(JobState.Succeeded, job);
        Assert.Equal(["keyed"], job.Attempts.Select(a => a.WorkerId));
        Assert.DoesNotContain(await client.ListWorkersAsync(), w => w.Id == "keyless");
        Assert.Contains("401", keyless.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(workerKey, keyed.Log, StringComparison.Ordinal);
    }

    /// <summary>Every worker process's ledger file, one after another.</summary>
    private static string Ledger(string folder) =>
        Directory.Exists(folder) ? string.Concat(Directory.GetFiles(folder, "*.tsv").Select(File.ReadAllText)) : "";

    private static async Task WaitUntilAsync(Func<bool> condition, WorkerProcess worker)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("The worker did not start the job in time. Its log:\n" + worker.Log);
            await Task.Delay(25);
        }
    }
}
