using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Server.Tests;

/// <summary>Every refusal is a problem+json body that names what was wrong; nothing is changed or crashes.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly RenderQueueApp _app = new RenderQueueApp().With("Limits:MaxJsonBodyBytes", "4096");
    private readonly HttpClient _http;

    public BadInputTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    private static string BigJob() => "{\"type\": \"simulated\", \"payload\": {\"prompt\": \"" + new string('x', 5000) + "\"}}";

    [Theory]
    [InlineData("""{"type": "simulated", "payload": {""", "payload")]
    [InlineData("""not json at all""", "$")]
    [InlineData("""{"type": "simulated", "payload": {}, "priority": "high"}""", "priority")]
    [InlineData("""{"type": "simulated", "payload": {}, "max_attempts": 2.5}""", "max_attempts")]
    [InlineData("""{"type": "simulated", "payload": {}, "requirements": {"min_vram_mb": "lots"}}""", "requirements.min_vram_mb")]
    [InlineData("""{"type": 42, "payload": {}}""", "type")]
    public async Task Malformed_json_and_wrong_types_are_400_naming_the_field(string body, string field)
    {
        var problem = await (await _http.PostJsonAsync("/api/v1/jobs", body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task Unknown_field_is_400_naming_it()
    {
        var response = await _http.PostJsonAsync("/api/v1/jobs", """{"type": "simulated", "payload": {}, "colour": "red"}""");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Unknown field 'colour'");
    }

    [Fact]
    public async Task Unknown_nested_field_is_400_naming_it()
    {
        var response = await _http.PostJsonAsync("/api/v1/jobs", """{"type": "simulated", "payload": {}, "requirements": {"gpu": "4090"}}""");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Unknown field 'gpu'");
    }

    [Theory]
    [InlineData("""{"payload": {}}""", "type")]
    [InlineData("""{"type": "simulated"}""", "payload")]
    [InlineData("""{"type": "simulated", "payload": null}""", "payload")]
    [InlineData("""{"type": "not a name!", "payload": {}}""", "type")]
    [InlineData("""{"type": "simulated", "payload": {}, "priority": 2000000}""", "priority")]
    [InlineData("""{"type": "simulated", "payload": {}, "max_attempts": 0}""", "max_attempts")]
    [InlineData("""{"type": "simulated", "payload": {}, "webhook": "ftp://x"}""", "webhook")]
    public async Task Missing_or_out_of_range_values_are_400_with_errors(string body, string field)
    {
        var problem = await (await _http.PostJsonAsync("/api/v1/jobs", body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task Batch_reports_the_index_of_each_bad_job_and_stores_none()
    {
        var response = await _http.PostJsonAsync("/api/v1/jobs/batch", """{"jobs": [{"type": "simulated", "payload": {}}, {"type": "simulated"}]}""");
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("jobs[1].payload", problem.ErrorFields());
        var page = await (await _http.GetAsync("/api/v1/jobs")).ReadAsync<Core.Storage.JobPage>();
        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task Empty_batch_is_400()
    {
        var problem = await (await _http.PostJsonAsync("/api/v1/jobs/batch", """{"jobs": []}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("jobs", problem.ErrorFields());
    }

    [Fact]
    public async Task Unknown_job_is_404()
    {
        var missing = JobId.New(TimeProvider.System);
        await (await _http.GetAsync($"/api/v1/jobs/{missing}")).AssertProblemAsync(HttpStatusCode.NotFound, missing);
        await (await _http.PostAsync($"/api/v1/jobs/{missing}/cancel", null)).AssertProblemAsync(HttpStatusCode.NotFound, missing);
        await (await _http.GetAsync("/api/v1/jobs/not-an-id")).AssertProblemAsync(HttpStatusCode.NotFound, "not-an-id");
        await (await _http.CompleteAsync(missing, 1)).AssertProblemAsync(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task Unknown_path_is_a_404_problem()
    {
        await (await _http.GetAsync("/api/v1/nothing-here")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stale_attempt_on_renew_complete_and_fail_is_409_and_changes_nothing()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        await _http.LeaseAsync("gpu-1");
        var before = await _http.GetJobAsync(job.Id);

        await (await _http.PostJsonAsync($"/api/v1/leases/{job.Id}/renew", """{"attempt": 7, "progress": {"value": 1, "max": 2}}""")).AssertProblemAsync(HttpStatusCode.Conflict, "Attempt 7");
        await (await _http.CompleteAsync(job.Id, 7)).AssertProblemAsync(HttpStatusCode.Conflict, "Attempt 7");
        await (await _http.PostJsonAsync($"/api/v1/leases/{job.Id}/fail", """{"attempt": 7, "error": {"message": "x"}}""")).AssertProblemAsync(HttpStatusCode.Conflict, "Attempt 7");

        var after = await _http.GetJobAsync(job.Id);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(before.LeaseExpiresAt, after.LeaseExpiresAt);
        Assert.Null(after.Progress);
    }

    [Fact]
    public async Task Action_the_state_does_not_allow_is_409()
    {
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        await (await _http.PostAsync($"/api/v1/jobs/{job.Id}/retry", null)).AssertProblemAsync(HttpStatusCode.Conflict, "queued");
        await (await _http.PostJsonAsync($"/api/v1/jobs/{job.Id}/flag", """{"reason": "hands"}""")).AssertProblemAsync(HttpStatusCode.Conflict, "queued");
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        var big = BigJob();
        await (await _http.PostJsonAsync("/api/v1/jobs", big)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "4096 bytes");
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        var big = BigJob();
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        await (await _http.SendAsync(request)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "4096 bytes");
    }

    [Fact]
    public async Task Json_endpoint_without_json_content_type_is_415()
    {
        var response = await _http.PostAsync("/api/v1/jobs", new StringContent("""{"type": "simulated", "payload": {}}""", Encoding.UTF8, "text/plain"));
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type: application/json");
    }

    [Theory]
    [InlineData("state=nonsense", "state")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=many", "limit")]
    [InlineData("queue=bad%20queue", "queue")]
    public async Task Bad_list_query_is_400(string query, string field)
    {
        var problem = await (await _http.GetAsync($"/api/v1/jobs?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        if (field != "limit" || !query.Contains("many")) Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task Cursor_the_server_did_not_issue_is_400()
    {
        await (await _http.GetAsync("/api/v1/jobs?cursor=garbage")).AssertProblemAsync(HttpStatusCode.BadRequest, "cursor");
    }

    /// <summary>
    /// The endpoint's own check, fed the paths Kestrel hands over (it decodes everything but %2F). On the wire
    /// Kestrel refuses some of these first: it resolves <c>..</c> segments (the request then matches no route: a
    /// 404 problem) and answers a NUL byte with an empty 400 before any application code runs.
    /// </summary>
    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a%2Fb")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("\0")]
    [InlineData("a\0b")]
    [InlineData(".hidden")]
    [InlineData("C:\\Windows\\win.ini")]
    public async Task Invalid_artifact_names_are_400(string name)
    {
        name = name.Replace("\\0", "\0", StringComparison.Ordinal);
        var job = JobId.New(TimeProvider.System);
        var context = await _app.Server.SendAsync(c =>
        {
            c.Request.Method = "PUT";
            c.Request.Path = new PathString($"/api/v1/leases/{job}/artifacts/{name}");
            c.Request.QueryString = new QueryString("?attempt=1");
            c.Request.Headers.Authorization = "Bearer " + _app.AdminKey;
            c.Request.Body = new MemoryStream([1, 2, 3]);
            c.Request.ContentLength = 3;
        });

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Contains("not a valid artifact name", problem.RootElement.GetProperty("detail").GetString());
        Assert.Contains("name", problem.RootElement.ErrorFields());
        Assert.False(Directory.Exists(Path.Combine(_app.ArtifactFolder, job)) && Directory.EnumerateFileSystemEntries(Path.Combine(_app.ArtifactFolder, job)).Any());
    }

    [Fact]
    public async Task Lease_request_with_a_wait_over_the_maximum_is_400()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var problem = await (await _http.PostJsonAsync("/api/v1/leases", """{"worker_id": "gpu-1", "wait": 31}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("wait", problem.ErrorFields());
    }

    [Fact]
    public async Task Server_keeps_working_after_bad_requests()
    {
        for (var i = 0; i < 20; i++) await _http.PostJsonAsync("/api/v1/jobs", "{");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        Assert.Equal(JobState.Queued, (await _http.GetJobAsync(job.Id)).State);
    }
}
