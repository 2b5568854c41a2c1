using RenderQueue.Faults.Tests.Checking;
using RenderQueue.Faults.Tests.Harness;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>F6 (Redis only): redis-server killed and started again (append-only file on) while clients submit and workers run jobs.</summary>
public sealed class F06RedisRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task F6_workers_resume_within_5_s_of_a_redis_restart_under_load_and_nothing_is_lost()
    {
        var restarts = Scale.Pick(2, 10);
        await using var bed = await FaultBed.StartAsync(StoreKind.Redis);
        for (var i = 0; i < 4; i++) bed.StartWorker($"f6-w{i}");
        await using var load = SubmitLoad.Start(bed, "f6", jobSeconds: 0.1);
        var backAt = new List<DateTimeOffset>();
        for (var k = 0; k < restarts; k++)
        {
            await UntilMoreSucceededAsync(bed, 25);
            bed.Redis!.Restart(); // kill -9, then the same port and folder: it reloads its append-only file
            backAt.Add(DateTimeOffset.UtcNow);
        }
        await UntilMoreSucceededAsync(bed, 25);
        await load.StopAsync(TimeSpan.FromSeconds(30));
        await bed.UntilIdleAsync(TimeSpan.FromMinutes(Scale.Pick(2, 10)));

        var jobs = await bed.JobsAsync();
        var report = LedgerChecker.Check(load.Accepted.Values, bed.Ledger(), jobs);
        var completions = jobs.Values.SelectMany(j => j.Attempts).Where(a => a.Outcome == "succeeded").Select(a => a.EndedAt!.Value).ToList();
        var resumed = backAt.Select(at => completions.Where(c => c > at).Min() - at).ToList();
        var figures = new Figures("F6", StoreKind.Redis, output);
        output.WriteLine(report.ToString());
        figures.Add("redis-server restarts (kill -9)", restarts);
        figures.Add("submits answered 2xx", load.Accepted.Count);
        figures.Add("submit errors resent with the same key", load.Errors);
        figures.Add("jobs lost", report.Lost, bound: "0");
        figures.Add("double completions", report.DoubleCompleted, bound: "0");
        figures.Add("duplicate executions", report.DuplicateExecutions);
        figures.Add("redis back → first completion (max)", Percentiles.Of(resumed, 100), $"< {ResumeBound.TotalMilliseconds:0} ms");
        figures.Save();
        Assert.Equal(0, load.Unresolved);
        Assert.True(report.Lost == 0 && report.DoubleCompleted == 0, report.Problems());
        Assert.Equal(load.Accepted.Count, jobs.Count);
        Assert.All(resumed, r => Assert.True(r < ResumeBound, $"workers resumed {r} after Redis was back; bound {ResumeBound}"));
    }

    private static async Task UntilMoreSucceededAsync(FaultBed bed, int more)
    {
        var target = bed.Ledger().Count(e => e.Succeeded) + more;
        await Poll.UntilAsync(() => bed.Ledger().Count(e => e.Succeeded) >= target, $"{more} more executions to succeed", TimeSpan.FromMinutes(2), bed.Logs);
    }
}
