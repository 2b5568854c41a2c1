using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Core.Api;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Json;

namespace RenderQueue.Server.Tests;

/// <summary>API keys and roles, in memory: 401 without a good key, 403 with the wrong role, problems that say why.
/// The cases share one app: each makes its own keys.</summary>
public sealed class AuthTests(AuthTests.SharedApp shared) : IClassFixture<AuthTests.SharedApp>
{
    private readonly RenderQueueApp _app = shared.App;

    public sealed class SharedApp : IDisposable
    {
        public RenderQueueApp App { get; } = new();

        public void Dispose() => App.Dispose();
    }

    public static TheoryData<string, string> EveryKindOfRoute => new()
    {
        { "GET", "/api/v1/jobs" },
        { "POST", "/api/v1/jobs" },
        { "GET", "/api/v1/jobs/01jd3r1q6m8x0b4k7c2w9f5t3n" },
        { "GET", "/api/v1/jobs/01jd3r1q6m8x0b4k7c2w9f5t3n/artifacts/out.png" },
        { "POST", "/api/v1/leases" },
        { "PUT", "/api/v1/leases/01jd3r1q6m8x0b4k7c2w9f5t3n/artifacts/out.png?attempt=1" },
        { "POST", "/api/v1/workers/register" },
        { "GET", "/api/v1/workers" },
        { "POST", "/api/v1/queues/default/pause" },
        { "GET", "/api/v1/stats" },
        { "GET", "/api/v1/events" },
        { "GET", "/api/v1/keys" },
        { "GET", "/metrics" },
        { "GET", "/no/such/path" },
    };

    [Theory]
    [MemberData(nameof(EveryKindOfRoute))]
    public async Task No_key_is_401_with_a_problem_and_a_bearer_challenge(string method, string path)
    {
        using var http = _app.ClientWithKey(null);

        var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", null, "application/json") });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "needs an API key");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("Bearer rq_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not valid")]
    [InlineData("Bearer not-a-key", "not a RenderQueue API key")]
    [InlineData("Basic dXNlcjpwYXNz", "Authorization: Bearer")]
    public async Task A_bad_key_is_401_saying_what_is_wrong(string authorization, string detail)
    {
        using var http = _app.ClientWithKey(null);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/jobs");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        await (await http.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Unauthorized, detail);
    }

    [Fact]
    public async Task A_key_with_a_wrong_secret_is_refused_though_its_id_exists()
    {
        var key = await _app.CreateKeyAsync(ApiKeyRole.Admin);
        var forged = key[..^4] + (key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        using var http = _app.ClientWithKey(forged);

        await (await http.GetAsync("/api/v1/jobs")).AssertProblemAsync(HttpStatusCode.Unauthorized, "not valid");
    }

    [Theory]
    [InlineData("POST", "/api/v1/queues/default/pause")]
    [InlineData("POST", "/api/v1/workers/gpu-1/drain")]
    [InlineData("GET", "/api/v1/keys")]
    [InlineData("POST", "/api/v1/jobs")]
    [InlineData("GET", "/api/v1/jobs")]
    public async Task A_worker_key_on_admin_or_client_routes_is_403(string method, string path)
    {
        using var http = _app.ClientWithKey(await _app.CreateKeyAsync(ApiKeyRole.Worker, "gpu-box-1"));

        var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", null, "application/json") });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "has the role 'worker'");
        Assert.Contains("gpu-box-1", problem.GetProperty("detail").GetString());
        Assert.Contains("admin", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_submit_key_submits_and_reads_but_cannot_lease_or_manage()
    {
        using var http = _app.ClientWithKey(await _app.CreateKeyAsync(ApiKeyRole.Submit));

        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        Assert.Equal(job.Id, (await http.GetJobAsync(job.Id)).Id);
        Assert.Equal(HttpStatusCode.OK, (await http.PostJsonAsync($"/api/v1/jobs/{job.Id}/cancel", "{}")).StatusCode);
        await (await http.PostJsonAsync("/api/v1/workers/register", """{"name": "x", "types": ["simulated"]}""")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await http.PostJsonAsync("/api/v1/leases", """{"worker_id": "x"}""")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await http.PostAsync("/api/v1/queues/default/pause", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_worker_key_runs_the_worker_loop()
    {
        var job = await _app.CreateClient().SubmitAsync("""{"type": "simulated", "payload": {}}""");
        using var worker = _app.ClientWithKey(await _app.CreateKeyAsync(ApiKeyRole.Worker));

        await worker.RegisterWorkerAsync("gpu-1");
        var leased = (await worker.LeaseAsync("gpu-1")).Single();
        Assert.Equal(HttpStatusCode.OK, (await worker.CompleteAsync(leased.Id, leased.Attempt)).StatusCode);
        Assert.Equal(Core.Jobs.JobState.Succeeded, (await _app.CreateClient().GetJobAsync(job.Id)).State);
    }

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_key()
    {
        using var http = _app.ClientWithKey(null);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/jobs?access_token={0}")]
    [InlineData("/api/v1/jobs?key={0}")]
    [InlineData("/api/v1/jobs?api_key={0}")]
    public async Task A_key_in_the_url_is_never_accepted(string path)
    {
        using var http = _app.ClientWithKey(null);

        await (await http.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, _app.AdminKey)))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Keys_are_created_shown_once_listed_without_secrets_and_revoked()
    {
        var admin = _app.CreateClient();

        var response = await admin.PostJsonAsync("/api/v1/keys", """{"name": "gpu-box-1", "role": "worker"}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var created = JsonSerializer.Deserialize<CreatedApiKey>(text, RenderQueueJson.Options)!;
        Assert.StartsWith("rq_" + created.Id + "_", created.Key);
        Assert.Equal(63, created.Key.Length);

        var listed = await (await admin.GetAsync("/api/v1/keys")).Content.ReadAsStringAsync();
        Assert.Contains(created.Id, listed);
        Assert.DoesNotContain(created.Key, listed);
        Assert.DoesNotContain(created.Key[20..], listed);

        using var worker = _app.ClientWithKey(created.Key);
        await worker.RegisterWorkerAsync("gpu-box-1");
        var revoked = await (await admin.PostAsync($"/api/v1/keys/{created.Id}/revoke", null)).ReadAsync<ApiKeyInfo>();
        Assert.NotNull(revoked.RevokedAt);
        await (await worker.PostJsonAsync("/api/v1/workers/register", """{"id": "gpu-box-1", "name": "gpu-box-1", "types": ["simulated"]}"""))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "revoked");
    }

    [Theory]
    [InlineData("""{"role": "worker"}""", "name")]
    [InlineData("""{"name": "<script>", "role": "worker"}""", "name")]
    [InlineData("""{"name": "ok"}""", "role")]
    [InlineData("""{"name": "ok", "role": "root"}""", "role")]
    public async Task A_key_needs_a_plain_name_and_a_known_role(string body, string field)
    {
        var problem = await (await _app.CreateClient().PostJsonAsync("/api/v1/keys", body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task A_key_revoked_on_another_node_stops_working_here_within_the_cache_duration()
    {
        var key = await _app.CreateKeyAsync(ApiKeyRole.Submit);
        var id = key.Substring(3, 16);
        using var http = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/jobs")).StatusCode);

        // Another node (or the keys command) revokes it in the shared store, past this node's cache.
        await _app.Services.GetRequiredService<Core.Storage.IJobStore>().RevokeApiKeyAsync(id, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/jobs")).StatusCode);
        _app.Clock.Advance(TimeSpan.FromSeconds(5));

        await (await http.GetAsync("/api/v1/jobs")).AssertProblemAsync(HttpStatusCode.Unauthorized, "revoked");
    }

    [Fact]
    public async Task The_events_websocket_needs_a_key_in_the_header()
    {
        var sockets = _app.Server.CreateWebSocketClient();
        var uri = new Uri(_app.Server.BaseAddress, "/api/v1/events");

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => sockets.ConnectAsync(uri, CancellationToken.None));
        Assert.Contains("401", refused.Message);

        sockets.ConfigureRequest = r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _app.AdminKey).ToString();
        using var socket = await sockets.ConnectAsync(uri, CancellationToken.None);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
    }
}
