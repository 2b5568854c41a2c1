using System.Diagnostics;
using RenderQueue.Core.Jobs;
using RenderQueue.Faults.Tests.Checking;
using RenderQueue.Faults.Tests.Harness;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>F3: the network between one worker and the server blackholed (by an in-process TCP proxy), briefly, then for longer than the lease.</summary>
public sealed class F03PartitionTests(ITestOutputHelper output)
{
    // Well above the short blackhole plus a renewal interval: a starved machine (load 25) delayed renewals past a 3 s lease.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1.2);

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Redis)]
    public async Task F3_a_blackhole_shorter_than_the_lease_causes_no_redelivery_and_a_longer_one_behaves_as_a_stall(StoreKind store)
    {
        await using var bed = await FaultBed.StartAsync(store, Lease);
        await using var proxy = new FaultProxy(bed.Address);
        var cutOff = bed.StartWorker("f3-behind-proxy", proxy.Address);
        await bed.WaitForWorkersAsync("f3-behind-proxy");
        var figures = new Figures("F3", store, output);

        // Shorter than the lease: renewals are late, not lost, and the job completes on its only attempt.
        var first = await bed.Client.SubmitAsync(Jobs.Simulated(4, steps: 8));
        await bed.StartedOnAsync(first.Id, cutOff);
        proxy.Blackhole();
        var clock = Stopwatch.StartNew();
        await Poll.UntilAsync(() => clock.Elapsed >= Short, "the short blackhole to last", Waits.Generous); // the fault's length is the point here
        proxy.Restore();
        var shortHeld = clock.Elapsed;
        var firstDone = await bed.JobAsync(first.Id, j => j.State.IsFinished(), "to finish");
        figures.Add("short blackhole", shortHeld, $"< lease {Lease.TotalMilliseconds:0} ms");
        figures.Add("short: attempts", firstDone.Attempts.Count, bound: "1");

        // Longer than the lease: the job goes to a worker that can reach the server; the cut-off one is refused after.
        var second = await bed.Client.SubmitAsync(Jobs.Simulated(3, steps: 6));
        await bed.StartedOnAsync(second.Id, cutOff);
        proxy.Blackhole();
        clock.Restart();
        bed.StartWorker("f3-direct");
        var secondDone = await bed.JobAsync(second.Id, j => j.State == JobState.Succeeded, "to succeed on the direct worker");
        proxy.Restore();
        var longHeld = clock.Elapsed;
        await Poll.UntilAsync(() => cutOff.Log.Contains("the lease is lost", StringComparison.Ordinal) || cutOff.Log.Contains("no longer takes this attempt's outcome", StringComparison.Ordinal),
            "the cut-off worker to be refused after the blackhole", Waits.Generous, bed.Logs);
        await Poll.UntilAsync(() => bed.Ledger().Count(e => e.JobId == second.Id && !e.Died) == 2, "the cut-off execution to end", Waits.Generous, bed.Logs);
        var final = await bed.Client.GetJobAsync(second.Id);
        var report = LedgerChecker.Check([first.Id, second.Id], bed.Ledger(), new Dictionary<string, Job> { [first.Id] = firstDone, [second.Id] = final });

        output.WriteLine(report.ToString());
        figures.Add("long blackhole", longHeld, $"> lease {Lease.TotalMilliseconds:0} ms");
        figures.Add("long: attempts", final.Attempts.Count, bound: "2");
        figures.Add("long: completions recorded", final.Attempts.Count(a => a.Outcome == "succeeded"), bound: "1");
        figures.Add("double completions", report.DoubleCompleted, bound: "0");
        figures.Save();
        Assert.Equal(JobState.Succeeded, firstDone.State);
        Assert.Single(firstDone.Attempts);
        Assert.Equal(Verdict.Ok, report.Jobs[0].Verdict);
        Assert.True(shortHeld < Lease, $"the short blackhole lasted {shortHeld}, not less than the lease");
        Assert.True(longHeld > Lease, $"the long blackhole lasted {longHeld}, not more than the lease");
        Assert.Equal(["requeued", "succeeded"], final.Attempts.Select(a => a.Outcome));
        Assert.Equal(["f3-behind-proxy", "f3-direct"], final.Attempts.Select(a => a.WorkerId));
        Assert.Equal(secondDone.FinishedAt, final.FinishedAt);
        Assert.Equal(Verdict.Duplicated, report.Jobs[1].Verdict);
    }
}
