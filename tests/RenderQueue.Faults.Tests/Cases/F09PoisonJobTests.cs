using RenderQueue.Core.Jobs;
using RenderQueue.Faults.Tests.Checking;
using RenderQueue.Faults.Tests.Harness;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>F9: a job that kills the worker running it, every time, among ordinary jobs; dead workers are restarted as systemd would.</summary>
public sealed class F09PoisonJobTests(ITestOutputHelper output)
{
    private const int MaxAttempts = 3;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Redis)]
    public async Task F9_a_poison_job_fails_as_lost_after_max_attempts_while_other_jobs_keep_flowing(StoreKind store)
    {
        var ordinary = Scale.Pick(30, 600);
        await using var bed = await FaultBed.StartAsync(store);
        using var supervising = new CancellationTokenSource();
        var restarts = 0;
        var supervisor = Task.Run(async () =>
        {
            var live = Enumerable.Range(0, 3).Select(i => bed.StartWorker($"f9-w{i}")).ToList();
            var next = live.Count;
            while (!supervising.IsCancellationRequested)
            {
                for (var i = 0; i < live.Count; i++)
                {
                    if (!live[i].HasExited) continue;
                    live[i] = bed.StartWorker($"f9-w{next++}"); // Restart=always
                    Interlocked.Increment(ref restarts);
                }
                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None);

        var poison = await bed.Client.SubmitAsync(Jobs.Poison(MaxAttempts));
        var others = new List<string>();
        for (var i = 0; i < ordinary; i++) others.Add((await bed.Client.SubmitAsync(Jobs.Simulated(0.1))).Id);
        var failed = await bed.JobAsync(poison.Id, j => j.State.IsFinished(), "to fail", TimeSpan.FromMinutes(3));
        foreach (var id in others) await bed.FinishedAsync(id, TimeSpan.FromMinutes(3));
        await supervising.CancelAsync();
        await supervisor;

        var jobs = await bed.JobsAsync();
        var ledger = bed.Ledger();
        var report = LedgerChecker.Check(others, ledger, jobs);
        var poisonRuns = ledger.Where(e => e.JobId == poison.Id).ToList();
        var firstCrash = poisonRuns.Min(e => e.StartedAt);
        var lastCrash = poisonRuns.Max(e => e.StartedAt);
        var flowedMeanwhile = ledger.Count(e => e.JobId != poison.Id && e.Succeeded && e.EndedAt > firstCrash && e.EndedAt < lastCrash);

        var figures = new Figures("F9", store, output);
        output.WriteLine(report.ToString());
        figures.Add("poison attempts (each killed its worker)", failed.Attempts.Count, bound: $"= max_attempts {MaxAttempts}");
        figures.Add("workers restarted", Volatile.Read(ref restarts));
        figures.Add("ordinary jobs", others.Count);
        figures.Add("ordinary jobs completed between the first and last poison attempt", flowedMeanwhile, bound: "> 0");
        figures.Add("ordinary jobs lost", report.Lost, bound: "0");
        figures.Save();
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(ErrorClasses.Lost, failed.Error?.Class);
        Assert.Equal(MaxAttempts, failed.Attempts.Count);
        Assert.Equal(MaxAttempts, poisonRuns.Count);
        Assert.All(poisonRuns, r => Assert.True(r.Died));
        Assert.True(report.Lost == 0 && report.DoubleCompleted == 0, report.Problems());
        Assert.True(flowedMeanwhile > 0, "no ordinary job completed while the poison job was crashing workers");
    }
}
