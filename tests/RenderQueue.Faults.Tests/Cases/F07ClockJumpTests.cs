using RenderQueue.Faults.Tests.Checking;
using RenderQueue.Faults.Tests.Harness;
using RenderQueue.Processes;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>
/// F7: the server's wall clock jumps forward past every lease while workers run jobs (an NTP step, a VM resumed), through
/// the server's test-only <c>Diagnostics:ClockOffsetFile</c>. Every running lease then looks expired to the reaper.
/// </summary>
public sealed class F07ClockJumpTests(ITestOutputHelper output)
{
    private const int Fleet = 4;
    private static readonly TimeSpan Jump = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Redis)]
    public async Task F7_a_forward_jump_of_the_server_clock_past_every_lease_loses_nothing_and_duplicates_at_most_the_running_jobs(StoreKind store)
    {
        using var clockFolder = new TempDirectory("renderqueue-faults-clock");
        var offsetFile = clockFolder.File("offset");
        await File.WriteAllTextAsync(offsetFile, "00:00:00");
        await using var bed = await FaultBed.StartAsync(store, settings: new Dictionary<string, string> { ["RENDERQUEUE__Diagnostics__ClockOffsetFile"] = offsetFile });
        for (var i = 0; i < Fleet; i++) bed.StartWorker($"f7-w{i}");
        var ids = new List<string>();
        for (var i = 0; i < Scale.Pick(24, 400); i++) ids.Add((await bed.Client.SubmitAsync(Jobs.Simulated(0.6, steps: 3))).Id);
        await Poll.UntilAsync(() => bed.Ledger().Count(e => e.Died) == Fleet, "every worker to be running a job", Waits.Generous, bed.Logs);

        var running = bed.Ledger().Count(e => e.Died);
        await File.WriteAllTextAsync(offsetFile, Jump.ToString("c"));
        var jumpedAt = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(async () => await ServerNowAsync(bed) > jumpedAt + Jump - TimeSpan.FromMinutes(1), "the server's clock to jump", Waits.Generous, bed.Logs);
        foreach (var id in ids) await bed.FinishedAsync(id, TimeSpan.FromMinutes(3));

        var jobs = await bed.JobsAsync();
        var report = LedgerChecker.Check(ids, bed.Ledger(), jobs);
        var figures = new Figures("F7", store, output);
        output.WriteLine(report.ToString());
        figures.Add("clock jump", Jump.TotalSeconds, "s");
        figures.Add("jobs", ids.Count);
        figures.Add("jobs running at the jump", running);
        figures.Add("jobs lost", report.Lost, bound: "0");
        figures.Add("double completions", report.DoubleCompleted, bound: "0");
        figures.Add("duplicate executions", report.DuplicateExecutions, bound: $"≤ {running} (running at the jump)");
        figures.Save();
        Assert.True(report.Lost == 0 && report.DoubleCompleted == 0, report.Problems());
        Assert.True(report.DuplicateExecutions <= running, $"{report.DuplicateExecutions} duplicate executions; {running} jobs were running at the jump");
    }

    /// <summary>The server's clock, as it stamps a job it stores.</summary>
    private static async Task<DateTimeOffset> ServerNowAsync(FaultBed bed) =>
        (await bed.Client.SubmitAsync(Jobs.Simulated(0, queue: "clock-probe"))).CreatedAt;
}
