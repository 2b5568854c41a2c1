using System.Net;
using System.Text.Json;

namespace RenderQueue.Server.Tests;

public sealed class OperationsTests : IDisposable
{
    private readonly RenderQueueApp _app = new();
    private readonly HttpClient _http;

    public OperationsTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Metrics_expose_counters_gauges_and_the_pickup_histogram_in_prometheus_text()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var first = await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "renders"}""");
        await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "renders"}""");
        _app.Clock.Advance(TimeSpan.FromSeconds(3));
        var leased = (await _http.LeaseAsync("gpu-1")).Single();
        (await _http.CompleteAsync(leased.Id, 1)).EnsureSuccessStatusCode();

        var response = await _http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("# TYPE renderqueue_jobs_submitted_total counter\n", text);
        Assert.Contains("renderqueue_jobs_submitted_total{queue=\"renders\"} 2\n", text);
        Assert.Contains("renderqueue_jobs_leased_total{queue=\"renders\"} 1\n", text);
        Assert.Contains("renderqueue_jobs_completed_total{queue=\"renders\"} 1\n", text);
        Assert.Contains("# TYPE renderqueue_jobs_failed_total counter\n", text);
        Assert.Contains("# TYPE renderqueue_jobs_pickup_latency_seconds histogram\n", text);
        Assert.Contains("renderqueue_jobs_pickup_latency_seconds_bucket{queue=\"renders\",le=\"2.5\"} 0\n", text);
        Assert.Contains("renderqueue_jobs_pickup_latency_seconds_bucket{queue=\"renders\",le=\"5\"} 1\n", text);
        Assert.Contains("renderqueue_jobs_pickup_latency_seconds_bucket{queue=\"renders\",le=\"+Inf\"} 1\n", text);
        Assert.Contains("renderqueue_jobs_pickup_latency_seconds_sum{queue=\"renders\"} 3\n", text);
        Assert.Contains("renderqueue_jobs_pickup_latency_seconds_count{queue=\"renders\"} 1\n", text);
        Assert.Contains("renderqueue_jobs{queue=\"renders\",state=\"queued\"} 1\n", text);
        Assert.Contains("renderqueue_jobs{queue=\"renders\",state=\"succeeded\"} 1\n", text);
        Assert.Contains("renderqueue_workers_online 1\n", text);
        Assert.Equal(first.Id, leased.Id); // the oldest of equal priority goes first
    }

    [Fact]
    public async Task Metrics_count_failures_for_good_and_reaped_leases_and_show_that_the_only_node_leads()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var doomed = await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "q"}""");
        Assert.Equal(doomed.Id, (await _http.LeaseAsync("gpu-1")).Single().Id);
        (await _http.PostJsonAsync($"/api/v1/leases/{doomed.Id}/fail", """{"attempt": 1, "error": {"message": "bad workflow", "class": "invalid_input"}, "retryable": false}""")).EnsureSuccessStatusCode();
        var retried = await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "q"}""");
        Assert.Equal(retried.Id, (await _http.LeaseAsync("gpu-1")).Single().Id);
        (await _http.PostJsonAsync($"/api/v1/leases/{retried.Id}/fail", """{"attempt": 1, "error": {"message": "out of memory", "class": "oom"}}""")).EnsureSuccessStatusCode();
        var abandoned = await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "q"}""");
        Assert.Equal(abandoned.Id, (await _http.LeaseAsync("gpu-1")).Single().Id);
        _app.Clock.Advance(TimeSpan.FromSeconds(31)); // past the 30 s lease; the reaper runs every second
        await Http.EventuallyAsync(() => _http.GetJobAsync(abandoned.Id), j => j.State != Core.Jobs.JobState.Running, "the reaper to requeue the job");
        // The reaper counts once its store call has returned, a moment after the requeued job is visible.
        var text = await Http.EventuallyAsync(() => _http.GetStringAsync("/metrics"),
            t => t.Contains("renderqueue_leases_reaped_total 1\n", StringComparison.Ordinal), "the reaper to count the expired lease");

        Assert.Contains("renderqueue_jobs_failed_total{queue=\"q\"} 1\n", text); // the retry is not a failure of the job
        Assert.Contains("# TYPE renderqueue_leases_reaped_total counter\n", text);
        Assert.Contains("renderqueue_leases_reaped_total 1\n", text);
        Assert.Contains("# TYPE renderqueue_leader gauge\n", text);
        Assert.Contains("renderqueue_leader 1\n", text); // SQLite serves one node, which always leads
        Assert.Contains("renderqueue_jobs{queue=\"q\",state=\"failed\"} 1\n", text);
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        var live = await _http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var ready = await _http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_document_describes_the_api()
    {
        var response = await _http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/leases", "/api/v1/leases/{jobId}/renew", "/api/v1/workers/register", "/api/v1/stats", "/api/v1/queues" })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
    }

    [Fact]
    public async Task Stats_count_jobs_by_state_and_queue()
    {
        await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "a"}""");
        await _http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "b", "run_at": "2030-01-01T00:00:00Z"}""");
        var stats = await (await _http.GetAsync("/api/v1/stats")).ReadAsync<Core.Api.StatsResponse>();
        Assert.Equal(1, stats.Counts.Queued);
        Assert.Equal(1, stats.Counts.Scheduled);
        Assert.Equal(["a", "b"], stats.Queues.Select(q => q.Name).Order());

        var activity = await (await _http.GetAsync("/api/v1/stats/activity?minutes=5")).ReadAsync<Core.Api.ActivityResponse>();
        Assert.Equal(2, activity.Minutes.Sum(m => m.Submitted));
    }
}
