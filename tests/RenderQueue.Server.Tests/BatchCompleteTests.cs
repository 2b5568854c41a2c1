using System.Net;
using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Server.Tests;

/// <summary><c>POST /api/v1/leases/complete</c>: a leased batch completed in one request, each job fenced on its own.</summary>
public sealed class BatchCompleteTests : IDisposable
{
    private readonly RenderQueueApp _app = new();
    private readonly HttpClient _http;

    public BatchCompleteTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Complete_many_completes_each_held_lease_and_refuses_the_others_one_by_one()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        for (var i = 0; i < 3; i++) await _http.SubmitAsync($$$"""{"type": "simulated", "payload": {"n": {{{i}}}}}""");
        var leased = await _http.LeaseAsync("gpu-1", maxJobs: 3);
        Assert.Equal(3, leased.Count);
        var unknown = JobId.New(TimeProvider.System);

        var response = await _http.PostJsonAsync("/api/v1/leases/complete", $$$"""
            {"completions": [
              {"job_id": "{{{leased[0].Id}}}", "attempt": 1, "result": {"frames": 24}},
              {"job_id": "{{{leased[1].Id}}}", "attempt": 2},
              {"job_id": "{{{leased[2].Id}}}", "attempt": 1},
              {"job_id": "{{{unknown}}}", "attempt": 1}
            ]}
            """);

        var outcomes = (await response.ReadAsync<CompleteLeasesResponse>()).Results;
        Assert.Equal([leased[0].Id, leased[1].Id, leased[2].Id, unknown], outcomes.Select(o => o.JobId));
        Assert.Equal([JobState.Succeeded, null, JobState.Succeeded, null], outcomes.Select(o => o.State));
        Assert.Equal([null, 409, null, 404], outcomes.Select(o => o.Error?.Status));
        Assert.Contains("no longer holds the lease", outcomes[1].Error!.Detail, StringComparison.OrdinalIgnoreCase);

        var first = await _http.GetJobAsync(leased[0].Id);
        Assert.Equal(JobState.Succeeded, first.State);
        Assert.Equal(24, first.Result!.Value.GetProperty("frames").GetInt32());
        Assert.Equal(JobState.Running, (await _http.GetJobAsync(leased[1].Id)).State); // the stale attempt changed nothing
    }

    [Fact]
    public async Task Complete_many_answers_in_snake_case_with_the_job_state()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        var job = (await _http.LeaseAsync("gpu-1")).Single();

        var response = await _http.PostJsonAsync("/api/v1/leases/complete", $$"""{"completions": [{"job_id": "{{job.Id}}", "attempt": 1}]}""");

        var body = await response.ReadAsync<JsonElement>();
        var outcome = body.GetProperty("results").EnumerateArray().Single();
        Assert.Equal(job.Id, outcome.GetProperty("job_id").GetString());
        Assert.Equal("succeeded", outcome.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, outcome.GetProperty("error").ValueKind);
    }

    [Theory]
    [InlineData("""{"completions": []}""", "completions")]
    [InlineData("""{}""", "completions")]
    [InlineData("""{"completions": [{"job_id": "01jd0000000000000000000000", "attempt": 0}]}""", "completions[0].attempt")]
    [InlineData("""{"completions": [{"attempt": 1}]}""", "completions[0].job_id")]
    public async Task Complete_many_without_completions_or_with_a_malformed_one_is_a_400_naming_it(string body, string field)
    {
        var response = await _http.PostJsonAsync("/api/v1/leases/complete", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task Complete_many_refuses_more_than_a_lease_can_hold()
    {
        var completions = string.Join(",", Enumerable.Range(0, 101).Select(_ => $$"""{"job_id": "{{JobId.New(TimeProvider.System)}}", "attempt": 1}"""));

        var response = await _http.PostJsonAsync("/api/v1/leases/complete", $$"""{"completions": [{{completions}}]}""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("completions", problem.ErrorFields());
    }
}
