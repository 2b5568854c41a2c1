using RenderQueue.Faults.Tests.Checking;
using RenderQueue.Faults.Tests.Harness;
using RenderQueue.Processes;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>F1: <c>kill -9</c> of workers in the middle of jobs, spread over a run of many short jobs.</summary>
public sealed class F01WorkerKillTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Redis)]
    public async Task F1_kill_9_of_workers_mid_job_loses_nothing_completes_once_and_reoffers_each_orphan_within_the_bound(StoreKind store)
    {
        var jobCount = Scale.Pick(2_000, 10_000);
        var killCount = Scale.Pick(20, 50);
        const int Fleet = 6; // one job at a time each, so one kill orphans at most one execution
        var figures = new Figures("F1", store, output);
        await using var bed = await FaultBed.StartAsync(store);
        var live = new Dictionary<string, WorkerProcess>(StringComparer.Ordinal);
        var started = 0;
        void Spawn()
        {
            var id = $"f1-w{started++}";
            live[id] = bed.StartWorker(id);
        }
        for (var i = 0; i < Fleet; i++) Spawn();

        var accepted = await SubmitAsync(bed, jobCount);
        var kills = new List<KillRecord>();
        for (var k = 0; k < killCount; k++)
        {
            var threshold = jobCount * (k + 1) / (killCount + 1);
            await Poll.UntilAsync(() => bed.Ledger().Count(e => e.Succeeded) >= threshold, $"{threshold} executions to succeed", TimeSpan.FromMinutes(3), bed.Logs);
            var (id, victim) = await MidJobAsync(bed, live);
            await victim.KillAsync();
            kills.Add(new KillRecord(id, victim.Id, DateTimeOffset.UtcNow));
            live.Remove(id);
            Spawn();
        }
        await bed.UntilIdleAsync(TimeSpan.FromMinutes(Scale.Pick(3, 30)));

        var jobs = await bed.JobsAsync();
        var report = LedgerChecker.Check(accepted, bed.Ledger(), jobs);
        var reoffers = KillRecord.Reoffers(kills, jobs.Values);
        output.WriteLine(report.ToString());
        figures.Add("jobs", jobCount);
        figures.Add("worker kills (kill -9)", kills.Count);
        figures.Add("jobs lost", report.Lost, bound: "0");
        figures.Add("double completions", report.DoubleCompleted, bound: "0");
        figures.Add("duplicate executions", report.DuplicateExecutions, bound: $"≤ {kills.Count}");
        figures.Add("duplicate executions per kill", (double)report.DuplicateExecutions / kills.Count, bound: "≤ 1");
        figures.Add("orphans re-offered", reoffers.Count);
        figures.Add("re-offer after kill p50", Percentiles.Of(reoffers, 50));
        figures.Add("re-offer after kill p99", Percentiles.Of(reoffers, 99));
        figures.Add("re-offer after kill max", Percentiles.Of(reoffers, 100), $"≤ {bed.ReofferBound.TotalMilliseconds:0} ms (lease + reaper + 1 s)");
        figures.Save();

        Assert.True(report.Lost == 0 && report.DoubleCompleted == 0, report.Problems());
        Assert.True(report.DuplicateExecutions <= kills.Count, $"{report.DuplicateExecutions} duplicate executions for {kills.Count} kills");
        Assert.NotEmpty(reoffers);
        Assert.All(reoffers, r => Assert.True(r <= bed.ReofferBound, $"an orphan was re-offered {r.TotalMilliseconds:0} ms after its worker's kill; bound {bed.ReofferBound}"));
    }

    private static async Task<List<string>> SubmitAsync(FaultBed bed, int count)
    {
        var ids = new List<string>(count);
        for (var done = 0; done < count; done += 500)
        {
            var batch = Enumerable.Range(0, Math.Min(500, count - done)).Select(_ => Jobs.Simulated(0.05)).ToList();
            ids.AddRange(await bed.Client.SubmitBatchIdsAsync(batch));
        }
        return ids;
    }

    /// <summary>A live worker whose process has an execution open in the ledger right now.</summary>
    private static async Task<(string Id, WorkerProcess Worker)> MidJobAsync(FaultBed bed, Dictionary<string, WorkerProcess> live)
    {
        (string, WorkerProcess)? found = null;
        await Poll.UntilAsync(() =>
        {
            var running = bed.Ledger().Where(e => e.Died).Select(e => e.ProcessId).ToHashSet();
            var candidates = live.Where(w => running.Contains(w.Value.Id)).ToList();
            if (candidates.Count == 0) return false;
            var pick = candidates[Random.Shared.Next(candidates.Count)];
            found = (pick.Key, pick.Value);
            return true;
        }, "a worker in the middle of a job", TimeSpan.FromSeconds(60), bed.Logs);
        return found!.Value;
    }
}
