using System.Diagnostics;
using RenderQueue.Core.Jobs;
using RenderQueue.Faults.Tests.Checking;
using RenderQueue.Faults.Tests.Harness;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>F10: SIGTERM to a worker with jobs in flight: short ones finish within the drain grace, long ones are released.</summary>
public sealed class F10SigtermTests(ITestOutputHelper output)
{
    // Short jobs are far shorter than the grace and long ones far longer, so a starved machine (a 1.2 s job took
    // over 2 s under a load average of 27) cannot move a job from one side of the grace to the other.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(4);

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Redis)]
    public async Task F10_sigterm_finishes_or_releases_every_job_in_flight_within_the_grace_and_leaves_none_running(StoreKind store)
    {
        await using var bed = await FaultBed.StartAsync(store);
        var draining = bed.StartWorker("f10-draining", null, 4, $"--Worker:DrainGrace={Grace:c}");
        await bed.WaitForWorkersAsync("f10-draining");
        var shortJobs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => bed.Client.SubmitAsync(Jobs.Simulated(1.0, steps: 4))));
        var longJobs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => bed.Client.SubmitAsync(Jobs.Simulated(12, steps: 12))));
        var all = shortJobs.Concat(longJobs).Select(j => j.Id).ToList();
        await Poll.UntilAsync(() => bed.Ledger().Count(e => e.ProcessId == draining.Id && e.Died) == 4, "four jobs in flight", Waits.Generous, bed.Logs);

        var clock = Stopwatch.StartNew();
        var exitCode = await draining.TerminateAsync(TimeSpan.FromSeconds(30));
        var exited = clock.Elapsed;
        var afterExit = await Task.WhenAll(all.Select(id => bed.Client.GetJobAsync(id)));
        var rescuer = bed.StartWorker("f10-rescuer", null, 2);
        foreach (var id in all) await bed.FinishedAsync(id);
        var jobs = await bed.JobsAsync();
        var report = LedgerChecker.Check(all, bed.Ledger(), jobs);

        var figures = new Figures("F10", store, output);
        output.WriteLine(report.ToString());
        figures.Add("SIGTERM → exit", exited, $"≤ grace {Grace.TotalMilliseconds:0} ms + release calls");
        figures.Add("jobs in flight", all.Count);
        figures.Add("finished within the grace", afterExit.Count(j => j.State == JobState.Succeeded));
        figures.Add("released to the queue", afterExit.Count(j => j.State == JobState.Queued));
        figures.Add("left running after exit", afterExit.Count(j => j.State == JobState.Running), bound: "0");
        figures.Add("jobs lost", report.Lost, bound: "0");
        figures.Save();
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{draining.Log}");
        Assert.True(exited < Grace + TimeSpan.FromSeconds(8), $"exited {exited} after SIGTERM; grace {Grace}");
        Assert.All(shortJobs, j => Assert.Equal(JobState.Succeeded, afterExit.Single(a => a.Id == j.Id).State));
        Assert.All(longJobs, j =>
        {
            var job = afterExit.Single(a => a.Id == j.Id);
            Assert.Equal(JobState.Queued, job.State);
            Assert.Equal("released", job.Attempts[0].Outcome);
        });
        Assert.True(report.Lost == 0 && report.DoubleCompleted == 0, report.Problems());
        Assert.All(longJobs, j => Assert.Equal("f10-rescuer", jobs[j.Id].Attempts[^1].WorkerId));
        GC.KeepAlive(rescuer);
    }
}
