using System.Net;
using System.Text.Json;
using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using RenderQueue.Faults.Tests.Harness;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>
/// F8: calls a confused or replaying worker makes — a completion sent twice, progress and failure after completion,
/// calls about a job that does not exist, and a wrong attempt on a running job — are 4xx and change nothing.
/// </summary>
public sealed class F08StaleCallTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Redis)]
    public async Task F8_duplicate_completion_progress_after_completion_unknown_job_and_wrong_attempt_are_4xx_and_change_nothing(StoreKind store)
    {
        await using var bed = await FaultBed.StartAsync(store);
        var client = bed.Client;
        var worker = (await client.RegisterWorkerAsync(new WorkerRegistration { Id = "f8-worker", Name = "f8", Types = ["simulated"] })).Worker.Id;
        var done = await LeaseOneAsync(client, worker);
        var result = JsonSerializer.SerializeToElement(new { frames = 1 });
        await client.CompleteAsync(done.LeaseToken, result);
        var completed = await client.GetJobAsync(done.Id);

        var refusals = new List<(string What, HttpStatusCode Status)>
        {
            ("complete again", await StatusOf(() => client.CompleteAsync(done.LeaseToken, result))),
            ("complete again with another result", await StatusOf(() => client.CompleteAsync(done.LeaseToken, JsonSerializer.SerializeToElement(new { frames = 2 })))),
            ("progress after completion", await StatusOf(() => client.RenewAsync(done.LeaseToken, new JobProgress(5, 10, "late")))),
            ("fail after completion", await StatusOf(() => client.FailAsync(done.LeaseToken, new JobError("late", ErrorClasses.Error)))),
            ("release after completion", await StatusOf(() => client.ReleaseAsync(done.LeaseToken))),
            ("complete an unknown job", await StatusOf(() => client.CompleteAsync(new LeaseToken("01m0000000000000000000000z", 1)))),
            ("renew an unknown job", await StatusOf(() => client.RenewAsync(new LeaseToken("01m0000000000000000000000z", 1)))),
        };
        AssertUnchanged(completed, await client.GetJobAsync(done.Id));

        // A job on its second attempt (the first released), so attempt 1 is a real, stale attempt; 0 is malformed.
        var first = await LeaseOneAsync(client, worker);
        await client.ReleaseAsync(first.LeaseToken);
        var running = Assert.Single((await client.LeaseAsync(new LeaseJobsRequest { WorkerId = worker, MaxJobs = 1, Wait = TimeSpan.FromSeconds(10) })).Jobs);
        Assert.Equal(2, running.Attempt);
        var before = await client.GetJobAsync(running.Id);
        foreach (var wrong in new[] { 0, 1, 3 })
        {
            var token = new LeaseToken(running.Id, wrong);
            refusals.Add(($"renew with attempt {wrong}", await StatusOf(() => client.RenewAsync(token, new JobProgress(9, 10, "wrong")))));
            refusals.Add(($"complete with attempt {wrong}", await StatusOf(() => client.CompleteAsync(token, result))));
            refusals.Add(($"fail with attempt {wrong}", await StatusOf(() => client.FailAsync(token, new JobError("wrong", ErrorClasses.Error), retryable: false))));
        }
        var after = await client.GetJobAsync(running.Id);
        Assert.Equal(JobState.Running, after.State);
        AssertUnchanged(before with { LeaseExpiresAt = null }, after with { LeaseExpiresAt = null });
        await client.CompleteAsync(running.LeaseToken); // the right attempt still completes

        var figures = new Figures("F8", store, output);
        foreach (var (what, status) in refusals) output.WriteLine($"{what}: {(int)status} {status}");
        figures.Add("stale or unknown calls made", refusals.Count);
        figures.Add("answered 4xx", refusals.Count(r => (int)r.Status is >= 400 and < 500), bound: $"= {refusals.Count}");
        figures.Add("answered 5xx", refusals.Count(r => (int)r.Status >= 500), bound: "0");
        figures.Save();
        Assert.All(refusals, r => Assert.True((int)r.Status is >= 400 and < 500, $"{r.What}: {(int)r.Status}"));
        Assert.All(refusals, r => Assert.Equal(
            r.What.Contains("unknown", StringComparison.Ordinal) ? HttpStatusCode.NotFound
            : r.What.EndsWith("attempt 0", StringComparison.Ordinal) ? HttpStatusCode.BadRequest
            : HttpStatusCode.Conflict, r.Status));
        var events = await EventsAsync(client, done.Id);
        Assert.Single(events, e => e.Type == JobEventTypes.Succeeded);
    }

    private static async Task<Job> LeaseOneAsync(RenderQueueClient client, string worker)
    {
        await client.SubmitAsync(Jobs.Simulated(1));
        var answer = await client.LeaseAsync(new LeaseJobsRequest { WorkerId = worker, MaxJobs = 1, Wait = TimeSpan.FromSeconds(10) });
        return Assert.Single(answer.Jobs);
    }

    private static async Task<HttpStatusCode> StatusOf(Func<Task> call)
    {
        var failure = await Assert.ThrowsAnyAsync<RenderQueueApiException>(call);
        return failure.StatusCode;
    }

    private static void AssertUnchanged(Job expected, Job actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected with { Position = null, Eta = null }), JsonSerializer.Serialize(actual with { Position = null, Eta = null }));

    private static async Task<List<JobEvent>> EventsAsync(RenderQueueClient client, string jobId)
    {
        var events = new List<JobEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var e in client.StreamEventsAsync(new EventStreamQuery { JobId = jobId, After = 0 }, timeout.Token)) events.Add(e);
        }
        catch (OperationCanceledException)
        {
            // the stream stays open for live events; two seconds of replay is everything stored
        }
        return events;
    }
}
