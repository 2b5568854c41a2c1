using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using RenderQueue.Processes;

namespace RenderQueue.Server.Tests;

/// <summary>
/// The safe default on the real built server: without keys it answers direct local requests only and says so;
/// it refuses to listen beyond loopback until an admin key exists (Hangfire lost this default once: CVE-2021-41238).
/// </summary>
public sealed class SafeDefaultTests : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-safe-default");

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, string> Settings => new()
    {
        ["RENDERQUEUE__Store__Sqlite__Path"] = Path.Combine(_folder.Path, "renderqueue.db"),
        ["RENDERQUEUE__Artifacts__Folder"] = Path.Combine(_folder.Path, "artifacts"),
        ["RENDERQUEUE__Auth__KeyCacheDuration"] = "00:00:01",
    };

    [Fact]
    public void The_shipped_configuration_listens_on_loopback_only()
    {
        var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));

        Assert.Equal("http://localhost:8000", settings.RootElement.GetProperty("Urls").GetString());
    }

    [Fact]
    public async Task Without_keys_it_answers_direct_local_requests_and_says_so()
    {
        await using var server = ServerProcess.Start(_folder.Path, Settings);
        await server.WaitUntilReadyAsync();
        using var http = new HttpClient { BaseAddress = server.Address };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/jobs")).StatusCode);
        Assert.Contains("No API keys exist: the server answers only direct requests from this machine", server.Log);
        // The dashboard needs no login here: the session answers "local".
        var session = await http.GetAsync("/api/v1/session");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Contains("\"via\":\"local\"", (await session.Content.ReadAsStringAsync()).Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_keys_requests_that_are_not_direct_and_local_are_401()
    {
        await using var server = ServerProcess.Start(_folder.Path, Settings);
        await server.WaitUntilReadyAsync();
        using var http = new HttpClient { BaseAddress = server.Address };

        foreach (var (header, value, reason) in new[]
        {
            ("X-Forwarded-For", "203.0.113.7", "forwarded by a proxy"),         // a reverse proxy on this host
            ("Forwarded", "for=203.0.113.7", "forwarded by a proxy"),
            ("Origin", "https://evil.example", "web page from https://evil.example"), // a cross-site form or fetch
            ("Sec-Fetch-Site", "cross-site", "from another site"),
            ("Host", "rebind.evil.example", "not a loopback name"),               // DNS rebinding
        })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/queues/default/pause");
            if (header == "Host") request.Headers.Host = value;
            else request.Headers.TryAddWithoutValidation(header, value);
            await (await http.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Unauthorized, reason);
        }
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/api/v1/queues/default/pause", null)).StatusCode);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("[::]")]
    [InlineData("*")]
    public async Task Without_an_admin_key_it_refuses_to_listen_beyond_loopback(string host)
    {
        await ServerProcess.RunCommandAsync(_folder.Path, Settings, "keys", "create", "--role", "worker", "--name", "gpu-1");
        await using var server = ServerProcess.Start(_folder.Path, Settings, listenHost: host);

        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exit);
        Assert.Contains("Refusing to start", server.Log);
        Assert.Contains("no admin API key exists", server.Log);
        Assert.Contains("keys create --role admin", server.Log);
        Assert.DoesNotContain("Now listening on", server.Log); // refused before Kestrel opened a socket
    }

    [Fact]
    public async Task With_an_admin_key_it_listens_beyond_loopback_and_every_request_needs_a_key()
    {
        var (created, key, notice) = await ServerProcess.RunCommandAsync(_folder.Path, Settings, "keys", "create", "--role", "admin", "--name", "ops");
        Assert.Equal(0, created);
        Assert.Contains("shown only this once", notice);
        key = key.Trim();
        Assert.StartsWith("rq_", key);

        await using var server = ServerProcess.Start(_folder.Path, Settings, listenHost: "0.0.0.0");
        await server.WaitUntilReadyAsync();
        using var http = new HttpClient { BaseAddress = server.Address };

        await (await http.GetAsync("/api/v1/jobs")).AssertProblemAsync(HttpStatusCode.Unauthorized, "needs an API key");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/jobs")).StatusCode);
        Assert.Contains("Listening beyond loopback on http://0.0.0.0:", server.Log);
        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            // The default client's events WebSocket sends the HttpClient's key in its upgrade request.
            var events = new Client.RenderQueueClient(http).StreamEventsAsync(new Client.EventStreamQuery { After = 0 }, stop.Token);
            await foreach (var e in events)
            {
                Assert.Equal(job.Id, e.JobId);
                break;
            }
        }

        var (_, listed, _) = await ServerProcess.RunCommandAsync(_folder.Path, Settings, "keys", "list");
        var id = key.Substring(3, 16);
        Assert.Contains($"{id}  admin   ops", listed);
        Assert.DoesNotContain(key, listed);

        var (revoked, _, said) = await ServerProcess.RunCommandAsync(_folder.Path, Settings, "keys", "revoke", id);
        Assert.Equal(0, revoked);
        Assert.Contains("Revoked key " + id, said);
        await Http.EventuallyAsync(async () => (await http.GetAsync("/api/v1/jobs")).StatusCode, s => s == HttpStatusCode.Unauthorized, "the revocation to reach the running server");
    }

    [Theory]
    [InlineData(new[] { "keys" }, "create, list, revoke")]
    [InlineData(new[] { "keys", "create", "--name", "x" }, "--role")]
    [InlineData(new[] { "keys", "create", "--role", "root", "--name", "x" }, "--role")]
    [InlineData(new[] { "keys", "create", "--role", "admin" }, "--name")]
    [InlineData(new[] { "keys", "revoke", "nope" }, "id")]
    public async Task The_keys_command_explains_its_usage(string[] arguments, string message)
    {
        var (exit, output, errors) = await ServerProcess.RunCommandAsync(_folder.Path, Settings, arguments);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains(message, errors);
        Assert.Contains("Usage:", errors);
    }
}
