using System.Net;
using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Faults.Tests.Checking;
using RenderQueue.Faults.Tests.Harness;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>F2: a worker frozen with SIGSTOP past its lease, then thawed with SIGCONT, while another worker took the job over.</summary>
public sealed class F02StalledWorkerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Redis)]
    public async Task F2_a_worker_stopped_past_its_lease_gets_409_on_renew_and_complete_and_exactly_one_completion_is_recorded(StoreKind store)
    {
        await using var bed = await FaultBed.StartAsync(store);
        var stalled = bed.StartWorker("f2-stalled");
        await bed.WaitForWorkersAsync("f2-stalled");
        var job = await bed.Client.SubmitAsync(Jobs.Simulated(3, steps: 6));
        await bed.StartedOnAsync(job.Id, stalled);

        stalled.Pause();
        var stoppedAt = DateTimeOffset.UtcNow;
        var rescuer = bed.StartWorker("f2-rescuer");
        var succeeded = await bed.JobAsync(job.Id, j => j.State == JobState.Succeeded, "to succeed on the rescuer");
        stalled.Continue();
        await Poll.UntilAsync(() => stalled.Log.Contains("the lease is lost", StringComparison.Ordinal) || stalled.Log.Contains("no longer takes this attempt's outcome", StringComparison.Ordinal),
            "the thawed worker to be refused", Waits.Generous, bed.Logs);
        await Poll.UntilAsync(() => bed.Ledger().Count(e => e.JobId == job.Id && !e.Died) == 2, "the thawed execution to end", Waits.Generous, bed.Logs);

        // The stale attempt's calls, made again by the test: the server refuses them and changes nothing.
        var stale = new LeaseToken(job.Id, 1);
        var renew = await Assert.ThrowsAsync<LeaseLostException>(() => bed.Client.RenewAsync(stale, new JobProgress(6, 6, "late")));
        var complete = await Assert.ThrowsAsync<LeaseLostException>(() => bed.Client.CompleteAsync(stale));
        var final = await bed.Client.GetJobAsync(job.Id);
        var report = LedgerChecker.Check([job.Id], bed.Ledger(), new Dictionary<string, Job> { [job.Id] = final });

        var figures = new Figures("F2", store, output);
        output.WriteLine(report.ToString());
        output.WriteLine(string.Join("\n", final.Attempts.Select(a => $"attempt {a.Number} on {a.WorkerId}: {a.Outcome} {a.Error?.Class}")));
        figures.Add("stopped → attempt 2 leased", final.Attempts[1].StartedAt - stoppedAt, $"≤ {bed.ReofferBound.TotalMilliseconds:0} ms");
        figures.Add("executions", report.Executions);
        figures.Add("completions recorded", final.Attempts.Count(a => a.Outcome == "succeeded"), bound: "1");
        figures.Add("double completions", report.DoubleCompleted, bound: "0");
        figures.Save();
        Assert.Equal(HttpStatusCode.Conflict, renew.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, complete.StatusCode);
        Assert.Equal(JsonText(succeeded), JsonText(final));
        Assert.Equal(["requeued", "succeeded"], final.Attempts.Select(a => a.Outcome));
        Assert.Equal(["f2-stalled", "f2-rescuer"], final.Attempts.Select(a => a.WorkerId));
        Assert.Equal(Verdict.Duplicated, Assert.Single(report.Jobs).Verdict);
        Assert.True(rescuer.Log.Contains("reported its completion", StringComparison.Ordinal), rescuer.Log);
    }

    private static string JsonText(Job job) => System.Text.Json.JsonSerializer.Serialize(job with { Position = null, Eta = null });
}
