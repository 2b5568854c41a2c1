using System.Net;
using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using RenderQueue.Server.Tests;

namespace RenderQueue.Client.Tests;

public sealed class ClientWorkflowTests : IDisposable
{
    private readonly RenderQueueApp _app = new();
    private readonly RenderQueueClient _client;

    public ClientWorkflowTests() => _client = _app.Client();

    public void Dispose() => _app.Dispose();

    private static SubmitJobRequest Job(string type = "simulated", int priority = 0) =>
        new() { Type = type, Payload = JsonDocument.Parse("""{"steps": 20}""").RootElement, Priority = priority };

    private Task<RegisterWorkerResponse> RegisterAsync(string id = "gpu-1") =>
        _client.RegisterWorkerAsync(new WorkerRegistration { Id = id, Name = id, Types = ["simulated"] });

    [Fact]
    public async Task Worker_loop_register_lease_renew_upload_complete_then_client_downloads()
    {
        var registered = await RegisterAsync();
        Assert.Equal(TimeSpan.FromSeconds(30), registered.LeaseDuration);
        var submitted = await _client.SubmitAsync(Job());

        var lease = await _client.LeaseAsync(new LeaseJobsRequest { WorkerId = "gpu-1", Wait = TimeSpan.FromSeconds(5) });
        var job = Assert.Single(lease.Jobs);
        Assert.Equal(submitted.Id, job.Id);

        var renewed = await _client.RenewAsync(job.LeaseToken, new JobProgress(10, 20, "KSampler"));
        Assert.False(renewed.CancelRequested);
        using (var image = new MemoryStream([1, 2, 3, 4]))
            Assert.Equal(4, (await _client.UploadArtifactAsync(job.LeaseToken, "out 1.png", image, "image/png")).Size);
        var done = await _client.CompleteAsync(job.LeaseToken, JsonDocument.Parse("""{"seed": 42}""").RootElement);
        Assert.Equal(JobState.Succeeded, done.State);

        var read = await _client.GetJobAsync(submitted.Id);
        Assert.Equal(42, read.Result?.GetProperty("seed").GetInt32());
        Assert.Equal("out 1.png", (await _client.ListArtifactsAsync(submitted.Id)).Single().Name);
        await using var download = await _client.DownloadArtifactAsync(submitted.Id, "out 1.png");
        using var copy = new MemoryStream();
        await download.CopyToAsync(copy);
        Assert.Equal([1, 2, 3, 4], copy.ToArray());
        Assert.NotNull((await _client.MarkCollectedAsync(submitted.Id)).CollectedAt);
    }

    [Fact]
    public async Task CompleteMany_completes_a_leased_batch_and_reports_a_stale_one_without_throwing()
    {
        await RegisterAsync();
        for (var i = 0; i < 3; i++) await _client.SubmitAsync(Job());
        var jobs = (await _client.LeaseAsync(new LeaseJobsRequest { WorkerId = "gpu-1", MaxJobs = 3 })).Jobs;
        Assert.Equal(3, jobs.Count);

        var outcomes = await _client.CompleteManyAsync(
            jobs.Select((j, i) => new LeaseCompletion(j.Id, i == 1 ? j.Attempt + 1 : j.Attempt, JsonDocument.Parse("""{"ok": true}""").RootElement)));

        Assert.Equal(jobs.Select(j => j.Id), outcomes.Select(o => o.JobId));
        Assert.Equal([JobState.Succeeded, null, JobState.Succeeded], outcomes.Select(o => o.State));
        Assert.Equal(409, outcomes[1].Error?.Status);
        Assert.True((await _client.GetJobAsync(jobs[0].Id)).Result?.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Refusals_carry_the_problem_details()
    {
        var missing = JobId.New(TimeProvider.System);
        var notFound = await Assert.ThrowsAsync<RenderQueueApiException>(() => _client.GetJobAsync(missing));
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("Job not found", notFound.Problem.Title);
        Assert.Contains(missing, notFound.Message);

        var invalid = await Assert.ThrowsAsync<RenderQueueApiException>(() => _client.SubmitAsync(new SubmitJobRequest { Type = "simulated" }));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("payload", invalid.Errors.Keys);
    }

    [Fact]
    public async Task Stale_lease_calls_throw_LeaseLostException()
    {
        await RegisterAsync();
        await _client.SubmitAsync(Job());
        var job = (await _client.LeaseAsync(new LeaseJobsRequest { WorkerId = "gpu-1" })).Jobs.Single();
        await _client.CompleteAsync(job.LeaseToken);

        var lost = await Assert.ThrowsAsync<LeaseLostException>(() => _client.RenewAsync(job.LeaseToken));
        Assert.Equal(HttpStatusCode.Conflict, lost.StatusCode);
        await Assert.ThrowsAsync<LeaseLostException>(() => _client.CompleteAsync(job.LeaseToken));
        await Assert.ThrowsAsync<LeaseLostException>(() => _client.FailAsync(job.LeaseToken, new JobError("late")));
        await Assert.ThrowsAsync<LeaseLostException>(() => _client.ReleaseAsync(job.LeaseToken));
        using var bytes = new MemoryStream([1]);
        await Assert.ThrowsAsync<LeaseLostException>(() => _client.UploadArtifactAsync(job.LeaseToken, "x.bin", bytes));
    }

    [Fact]
    public async Task Cancel_reaches_the_worker_through_renew()
    {
        await RegisterAsync();
        var submitted = await _client.SubmitAsync(Job());
        var job = (await _client.LeaseAsync(new LeaseJobsRequest { WorkerId = "gpu-1" })).Jobs.Single();
        Assert.True((await _client.CancelAsync(submitted.Id, "no longer needed")).CancelRequested);
        Assert.True((await _client.RenewAsync(job.LeaseToken)).CancelRequested);
        var ended = await _client.FailAsync(job.LeaseToken, new JobError("Interrupted", ErrorClasses.Canceled), retryable: false);
        Assert.Equal(JobState.Canceled, ended.State);
    }

    [Fact]
    public async Task Jobs_batch_list_priority_flag_and_retry()
    {
        var batch = await _client.SubmitBatchAsync([Job(), Job("comfyui"), Job()]);
        Assert.Equal(3, batch.Count);
        await _client.SetPriorityAsync(batch[2].Id, 7);

        var page = await _client.ListJobsAsync(new JobListQuery { Type = "simulated", States = [JobState.Queued], Limit = 1 });
        Assert.Equal(batch[2].Id, page.Items.Single().Id);
        var next = await _client.ListJobsAsync(new JobListQuery { Type = "simulated", Limit = 1, Cursor = page.NextCursor });
        Assert.Equal(batch[0].Id, next.Items.Single().Id);

        await RegisterAsync();
        var leased = (await _client.LeaseAsync(new LeaseJobsRequest { WorkerId = "gpu-1" })).Jobs.Single();
        Assert.Equal(7, leased.Priority);
        await _client.FailAsync(leased.LeaseToken, new JobError("bad workflow", ErrorClasses.InvalidInput), retryable: false);
        Assert.Equal(JobState.Queued, (await _client.RetryAsync(leased.Id)).State);

        var again = (await _client.LeaseAsync(new LeaseJobsRequest { WorkerId = "gpu-1" })).Jobs.Single();
        await _client.CompleteAsync(again.LeaseToken);
        Assert.Equal("hands look wrong", (await _client.FlagAsync(again.Id, "hands look wrong")).FlagReason);
    }

    [Fact]
    public async Task Queues_workers_stats_and_activity()
    {
        await RegisterAsync();
        await _client.HeartbeatAsync("gpu-1", new WorkerHeartbeat());
        await _client.SubmitAsync(Job());
        Assert.True((await _client.PauseQueueAsync("default")).Paused);
        Assert.False((await _client.ResumeQueueAsync("default")).Paused);
        Assert.Equal("default", (await _client.ListQueuesAsync()).Single().Name);
        Assert.True((await _client.DrainWorkerAsync("gpu-1")).DrainRequested);
        Assert.Equal("gpu-1", (await _client.ListWorkersAsync()).Single().Id);

        var stats = await _client.GetStatsAsync();
        Assert.Equal(1, stats.Counts.Queued);
        Assert.Equal(1, stats.WorkersOnline);
        Assert.Equal(1, (await _client.GetActivityAsync(10)).Minutes.Sum(m => m.Submitted));
    }

    [Fact]
    public async Task Events_stream_replays_and_follows_a_job()
    {
        var submitted = await _client.SubmitAsync(Job());
        await RegisterAsync();
        var job = (await _client.LeaseAsync(new LeaseJobsRequest { WorkerId = "gpu-1" })).Jobs.Single();
        await _client.CompleteAsync(job.LeaseToken);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var types = new List<string>();
        await foreach (var e in _client.StreamEventsAsync(new EventStreamQuery { JobId = submitted.Id, After = 0 }, stop.Token))
        {
            types.Add(e.Type);
            if (e.Type == JobEventTypes.Succeeded) break;
        }
        Assert.Equal([JobEventTypes.Submitted, JobEventTypes.Started, JobEventTypes.Succeeded], types);
    }
}
