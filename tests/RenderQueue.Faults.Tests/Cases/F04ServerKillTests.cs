using RenderQueue.Core.Jobs;
using RenderQueue.Faults.Tests.Checking;
using RenderQueue.Faults.Tests.Harness;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>F4: <c>kill -9</c> of the server while clients submit and workers lease, then a restart on the same data.</summary>
public sealed class F04ServerKillTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Redis)]
    public async Task F4_kill_9_of_the_server_under_load_keeps_every_2xx_submit_and_reoffers_running_jobs(StoreKind store)
    {
        var serverKills = Scale.Pick(2, 10);
        await using var bed = await FaultBed.StartAsync(store);
        for (var i = 0; i < 4; i++) bed.StartWorker($"f4-w{i}");
        await using var load = SubmitLoad.Start(bed, "f4", jobSeconds: 0.1);
        var restarts = new List<(DateTimeOffset Launched, TimeSpan Ready)>();
        var runningAtKill = new HashSet<string>(StringComparer.Ordinal);

        for (var k = 0; k < serverKills; k++)
        {
            await UntilMoreSucceededAsync(bed, 25);
            foreach (var open in bed.Ledger().Where(e => e.Died)) runningAtKill.Add(open.JobId);
            await bed.KillServerAsync();
            var launched = DateTimeOffset.UtcNow;
            await bed.RestartServerAsync();
            restarts.Add((launched, DateTimeOffset.UtcNow - launched));
        }
        await UntilMoreSucceededAsync(bed, 25);
        await load.StopAsync(TimeSpan.FromSeconds(30));
        await bed.UntilIdleAsync(TimeSpan.FromMinutes(Scale.Pick(2, 10)));

        var jobs = await bed.JobsAsync();
        var report = LedgerChecker.Check(load.Accepted.Values, bed.Ledger(), jobs);
        var attempts = jobs.Values.SelectMany(j => j.Attempts).ToList();
        var firstDispatch = restarts.Select(r => attempts.Where(a => a.StartedAt >= r.Launched).Min(a => a.StartedAt) - r.Launched).ToList();
        var figures = new Figures("F4", store, output);
        output.WriteLine(report.ToString());
        figures.Add("server kills (kill -9)", serverKills);
        figures.Add("submits answered 2xx", load.Accepted.Count);
        figures.Add("submit errors resent with the same key", load.Errors);
        figures.Add("jobs lost", report.Lost, bound: "0");
        figures.Add("double completions", report.DoubleCompleted, bound: "0");
        figures.Add("jobs on the server beyond those accepted", jobs.Count - load.Accepted.Count, bound: "0");
        figures.Add("jobs running at a kill", runningAtKill.Count);
        figures.Add("duplicate executions", report.DuplicateExecutions);
        figures.Add("server restart → ready (max)", restarts.Max(r => r.Ready));
        figures.Add("server restart → first dispatch p50", Percentiles.Of(firstDispatch, 50));
        figures.Add("server restart → first dispatch max", Percentiles.Of(firstDispatch, 100));
        figures.Save();
        Assert.Equal(0, load.Unresolved);
        Assert.True(report.Lost == 0 && report.DoubleCompleted == 0, report.Problems());
        Assert.Equal(load.Accepted.Count, jobs.Count);
        Assert.All(runningAtKill, id => Assert.Equal(JobState.Succeeded, jobs[id].State));
    }

    private static async Task UntilMoreSucceededAsync(FaultBed bed, int more)
    {
        var target = bed.Ledger().Count(e => e.Succeeded) + more;
        await Poll.UntilAsync(() => bed.Ledger().Count(e => e.Succeeded) >= target, $"{more} more executions to succeed", TimeSpan.FromMinutes(2), bed.Logs);
    }
}
