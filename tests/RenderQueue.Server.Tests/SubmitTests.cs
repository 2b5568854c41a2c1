using System.Net;
using System.Text;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Server.Tests;

public sealed class SubmitTests : IDisposable
{
    private readonly RenderQueueApp _app = new();
    private readonly HttpClient _http;

    public SubmitTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Idempotency_key_header_replay_returns_200_with_the_existing_job()
    {
        var first = await SubmitWithHeaderAsync("render-42");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var replay = await SubmitWithHeaderAsync("render-42");
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal((await first.ReadJobAsync()).Id, (await replay.ReadJobAsync()).Id);
        Assert.Single((await (await _http.GetAsync("/api/v1/jobs")).ReadAsync<Core.Storage.JobPage>()).Items);
    }

    [Fact]
    public async Task Idempotency_key_field_replay_returns_200_with_the_existing_job()
    {
        const string Body = """{"type": "simulated", "payload": {}, "idempotency_key": "set-7"}""";
        var first = await _http.PostJsonAsync("/api/v1/jobs", Body);
        var replay = await _http.PostJsonAsync("/api/v1/jobs", Body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal((await first.ReadJobAsync()).Id, (await replay.ReadJobAsync()).Id);
    }

    [Fact]
    public async Task Header_and_field_that_disagree_are_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs")
        {
            Content = new StringContent("""{"type": "simulated", "payload": {}, "idempotency_key": "a"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "b");
        var problem = await (await _http.SendAsync(request)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("idempotency_key", problem.ErrorFields());
    }

    [Fact]
    public async Task Batch_submits_every_job_in_order()
    {
        var response = await _http.PostJsonAsync("/api/v1/jobs/batch",
            """{"jobs": [{"type": "simulated", "payload": {"n": 1}}, {"type": "comfyui", "payload": {"n": 2}, "priority": 3}]}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var batch = await response.ReadAsync<SubmitBatchResponse>();
        Assert.Equal(["simulated", "comfyui"], batch.Items.Select(j => j.Type));
        Assert.Equal(3, batch.Items[1].Priority);
    }

    [Fact]
    public async Task Future_run_at_is_scheduled_and_queued_when_due()
    {
        var runAt = _app.Time.GetUtcNow().AddMinutes(5);
        var job = await _http.SubmitAsync($$"""{"type": "simulated", "payload": {}, "run_at": "{{runAt:O}}"}""");
        Assert.Equal(JobState.Scheduled, job.State);

        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        await Http.EventuallyAsync(() => _http.GetJobAsync(job.Id), j => j.State == JobState.Queued, "the scheduler to queue the job");
    }

    [Fact]
    public async Task Retryable_failure_waits_its_backoff_then_runs_again()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        await _http.LeaseAsync("gpu-1");
        var failed = await (await _http.PostJsonAsync($"/api/v1/leases/{job.Id}/fail",
            """{"attempt": 1, "error": {"message": "CUDA out of memory", "class": "oom"}, "retryable": true}""")).ReadJobAsync();
        Assert.Equal(JobState.Scheduled, failed.State);
        Assert.Equal("oom", failed.Error?.Class);

        _app.Clock.Advance(TimeSpan.FromSeconds(6)); // the first backoff is at most 5 s
        await Http.EventuallyAsync(() => _http.GetJobAsync(job.Id), j => j.State == JobState.Queued, "the backoff to end");
        Assert.Equal(2, (await _http.LeaseAsync("gpu-1")).Single().Attempt);
    }

    [Fact]
    public async Task People_actions_cancel_retry_flag_priority_and_collected()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        var patched = await (await _http.PatchAsync($"/api/v1/jobs/{job.Id}", new StringContent("""{"priority": 9}""", Encoding.UTF8, "application/json"))).ReadJobAsync();
        Assert.Equal(9, patched.Priority);

        await _http.LeaseAsync("gpu-1");
        (await _http.CompleteAsync(job.Id, 1)).EnsureSuccessStatusCode();
        var collected = await (await _http.PostAsync($"/api/v1/jobs/{job.Id}/collected", null)).ReadJobAsync();
        Assert.NotNull(collected.CollectedAt);

        var flagged = await (await _http.PostJsonAsync($"/api/v1/jobs/{job.Id}/flag", """{"reason": "hands look wrong"}""")).ReadJobAsync();
        Assert.Equal(JobState.Queued, flagged.State);
        Assert.Equal("hands look wrong", flagged.FlagReason);

        var canceled = await (await _http.PostAsync($"/api/v1/jobs/{job.Id}/cancel", null)).ReadJobAsync();
        Assert.Equal(JobState.Canceled, canceled.State);
        var retried = await (await _http.PostAsync($"/api/v1/jobs/{job.Id}/retry", null)).ReadJobAsync();
        Assert.Equal(JobState.Queued, retried.State);
    }

    [Fact]
    public async Task List_pages_newest_first_with_filters()
    {
        var submitted = new List<string>();
        for (var i = 0; i < 5; i++) submitted.Add((await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""")).Id);
        await _http.SubmitAsync("""{"type": "comfyui", "payload": {}}""");

        var first = await (await _http.GetAsync("/api/v1/jobs?type=simulated&limit=3")).ReadAsync<Core.Storage.JobPage>();
        Assert.Equal(3, first.Items.Count);
        Assert.NotNull(first.NextCursor);
        var second = await (await _http.GetAsync($"/api/v1/jobs?type=simulated&limit=3&cursor={Uri.EscapeDataString(first.NextCursor!)}")).ReadAsync<Core.Storage.JobPage>();
        Assert.Equal(2, second.Items.Count);
        Assert.Null(second.NextCursor);
        var ids = first.Items.Concat(second.Items).Select(j => j.Id).ToList();
        submitted.Reverse();
        Assert.Equal(submitted, ids);
    }

    private Task<HttpResponseMessage> SubmitWithHeaderAsync(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs")
        {
            Content = new StringContent("""{"type": "simulated", "payload": {}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        return _http.SendAsync(request);
    }
}
