using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;
using RenderQueue.Processes;
using RenderQueue.Testing;

namespace RenderQueue.Server.Tests;

/// <summary>
/// The dashboard's login: an admin key buys an HttpOnly, SameSite=Strict session cookie (not the key) and a CSRF
/// token; a request made with the cookie that changes anything needs the token, and nothing another site sends passes.
/// </summary>
public sealed class DashboardSessionTests : IDisposable
{
    private const string Dashboard = "http://localhost"; // the in-memory server's own origin

    private readonly RenderQueueApp _app = new(TimeProvider.System);

    public void Dispose() => _app.Dispose();

    /// <summary>A browser-like client: no bearer key, cookies sent by hand so each test says exactly what goes.</summary>
    private HttpClient Browser(string baseAddress = Dashboard) => Browser(_app, baseAddress);

    private static HttpClient Browser(RenderQueueApp app, string baseAddress = Dashboard)
    {
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = new Uri(baseAddress) });
        http.DefaultRequestHeaders.Authorization = null;
        return http;
    }

    private static HttpRequestMessage Login(string key) =>
        new(HttpMethod.Post, "/api/v1/session") { Content = new StringContent(JsonSerializer.Serialize(new { key }), null, "application/json") };

    /// <summary>Logs in with a new admin key; the cookie (name=value) and the CSRF token.</summary>
    private async Task<(string Cookie, string Csrf, string Key)> LogInAsync()
    {
        var key = await _app.CreateKeyAsync(ApiKeyRole.Admin, "ops");
        using var browser = Browser();
        var response = await browser.SendAsync(Login(key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var csrf = (await response.ReadAsync<JsonElement>()).GetProperty("csrf_token").GetString()!;
        return (setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)], csrf, key);
    }

    private static HttpRequestMessage WithSession(HttpMethod method, string path, string cookie, string? csrf = null, string? origin = Dashboard, string body = "{}")
    {
        var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get) request.Content = new StringContent(body, null, "application/json");
        request.Headers.Add("Cookie", cookie);
        if (csrf is not null) request.Headers.Add("X-CSRF-Token", csrf);
        if (origin is not null) request.Headers.Add("Origin", origin);
        return request;
    }

    private async Task<Job> QueuedJobAsync() => await _app.CreateClient().SubmitAsync("""{"type": "simulated", "payload": {}}""");

    [Fact]
    public async Task An_admin_key_logs_in_to_an_http_only_same_site_strict_cookie_that_is_not_the_key()
    {
        var key = await _app.CreateKeyAsync(ApiKeyRole.Admin, "ops");
        using var browser = Browser();

        var response = await browser.SendAsync(Login(key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("rq_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain http here; see the https test
        Assert.DoesNotContain(key[20..], cookie, StringComparison.Ordinal);
        Assert.DoesNotContain(key[3..19], cookie, StringComparison.Ordinal); // even the key's id is encrypted
        var session = await response.ReadAsync<JsonElement>();
        Assert.Equal("session", session.GetProperty("via").GetString());
        Assert.Equal("admin", session.GetProperty("role").GetString());
        Assert.True(session.GetProperty("csrf_token").GetString()!.Length >= 40);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Over_https_the_cookie_is_secure()
    {
        var key = await _app.CreateKeyAsync(ApiKeyRole.Admin);
        using var browser = Browser("https://localhost");

        var response = await browser.SendAsync(Login(key));

        Assert.Contains("; secure", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Behind_a_proxy_that_terminates_https_the_cookie_is_secure()
    {
        var key = await _app.CreateKeyAsync(ApiKeyRole.Admin);
        using var browser = Browser();
        var login = Login(key);
        login.Headers.Add("X-Forwarded-Proto", "https");

        var response = await browser.SendAsync(login);

        Assert.Contains("; secure", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(ApiKeyRole.Worker)]
    [InlineData(ApiKeyRole.Submit)]
    public async Task A_key_that_is_not_admin_cannot_log_in(ApiKeyRole role)
    {
        var key = await _app.CreateKeyAsync(role, "gpu-box-1");
        using var browser = Browser();

        var response = await browser.SendAsync(Login(key));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "needs an admin key");
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("rq_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hunter2")]
    public async Task A_bad_key_cannot_log_in(string key)
    {
        using var browser = Browser();
        var response = await browser.SendAsync(Login(key));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_login_posted_by_another_site_is_refused()
    {
        var key = await _app.CreateKeyAsync(ApiKeyRole.Admin);
        using var browser = Browser();
        var request = Login(key);
        request.Headers.Add("Origin", "https://evil.example");

        await (await browser.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Forbidden, "evil.example");
    }

    [Fact]
    public async Task The_cookie_reads_but_a_post_from_the_dashboard_origin_without_the_csrf_token_is_403()
    {
        var (cookie, csrf, _) = await LogInAsync();
        var job = await QueuedJobAsync();
        using var browser = Browser();

        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(WithSession(HttpMethod.Get, "/api/v1/jobs", cookie, origin: null))).StatusCode);
        await (await browser.SendAsync(WithSession(HttpMethod.Post, $"/api/v1/jobs/{job.Id}/cancel", cookie)))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "X-CSRF-Token");
        await (await browser.SendAsync(WithSession(HttpMethod.Post, $"/api/v1/jobs/{job.Id}/cancel", cookie, csrf: csrf[..^2] + "xx")))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "X-CSRF-Token");
        await (await browser.SendAsync(WithSession(HttpMethod.Post, $"/api/v1/queues/default/pause", cookie, origin: null)))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "X-CSRF-Token");
        Assert.Equal(JobState.Queued, (await _app.CreateClient().GetJobAsync(job.Id)).State);

        var canceled = await browser.SendAsync(WithSession(HttpMethod.Post, $"/api/v1/jobs/{job.Id}/cancel", cookie, csrf));
        Assert.Equal(HttpStatusCode.OK, canceled.StatusCode);
        Assert.Equal(JobState.Canceled, (await canceled.ReadJobAsync()).State);
    }

    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task A_request_with_the_cookie_from_another_site_is_403_even_with_the_token(string header, string value)
    {
        var (cookie, csrf, _) = await LogInAsync();
        var job = await QueuedJobAsync();
        using var browser = Browser();

        var post = WithSession(HttpMethod.Post, $"/api/v1/jobs/{job.Id}/cancel", cookie, csrf, origin: null);
        post.Headers.Add(header, value);
        await (await browser.SendAsync(post)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var get = WithSession(HttpMethod.Get, "/api/v1/jobs", cookie, origin: null);
        get.Headers.Add(header, value);
        await (await browser.SendAsync(get)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(JobState.Queued, (await _app.CreateClient().GetJobAsync(job.Id)).State);
    }

    [Fact]
    public async Task Bearer_key_requests_need_no_csrf_token()
    {
        var job = await QueuedJobAsync();
        var response = await _app.CreateClient().PostJsonAsync($"/api/v1/jobs/{job.Id}/cancel", "{}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_session_says_who_is_logged_in_and_without_one_it_is_401()
    {
        var (cookie, csrf, _) = await LogInAsync();
        using var browser = Browser();

        var session = await (await browser.SendAsync(WithSession(HttpMethod.Get, "/api/v1/session", cookie, origin: null))).ReadAsync<JsonElement>();
        Assert.Equal("ops", session.GetProperty("name").GetString());
        Assert.Equal(csrf, session.GetProperty("csrf_token").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/session")).StatusCode);
        Assert.Equal("key", (await (await _app.CreateClient().GetAsync("/api/v1/session")).ReadAsync<JsonElement>()).GetProperty("via").GetString());
    }

    [Fact]
    public async Task A_tampered_or_made_up_cookie_is_401()
    {
        var (cookie, _, _) = await LogInAsync();
        var tampered = cookie[..^3] + (cookie.EndsWith("AAA", StringComparison.Ordinal) ? "BBB" : "AAA");
        using var browser = Browser();

        foreach (var bad in new[] { tampered, "rq_session=x", "rq_session=%21%21%21", "rq_session=" + new string('A', 4001) })
        {
            await (await browser.SendAsync(WithSession(HttpMethod.Get, "/api/v1/jobs", bad, origin: null)))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, "log in again");
        }
    }

    [Fact]
    public async Task Revoking_the_key_ends_its_sessions()
    {
        var (cookie, _, key) = await LogInAsync();
        using var browser = Browser();
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(WithSession(HttpMethod.Get, "/api/v1/jobs", cookie, origin: null))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient().PostJsonAsync($"/api/v1/keys/{key[3..19]}/revoke", "{}")).StatusCode);

        await (await browser.SendAsync(WithSession(HttpMethod.Get, "/api/v1/jobs", cookie, origin: null)))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "no longer an active admin key");
    }

    [Fact]
    public async Task A_login_holds_on_every_server_that_shares_the_session_key_ring_and_no_other()
    {
        using var ring = new TempDirectory("renderqueue-key-ring");
        using var otherRing = new TempDirectory("renderqueue-key-ring");
        using var second = new RenderQueueApp(TimeProvider.System).With("Auth:SessionKeyFolder", ring.Path);
        using var stranger = new RenderQueueApp(TimeProvider.System).With("Auth:SessionKeyFolder", otherRing.Path);
        using var first = new RenderQueueApp(TimeProvider.System).With("Auth:SessionKeyFolder", ring.Path);
        var (key, record) = TestApiKeys.New("ops", ApiKeyRole.Admin); // one store in a real cluster; the same key in each here
        foreach (var app in new[] { first, second, stranger })
            await app.Services.GetRequiredService<IJobStore>().CreateApiKeyAsync(record, CancellationToken.None);

        using var toFirst = Browser(first);
        var login = await toFirst.SendAsync(Login(key));
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        var cookie = setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];

        using var toSecond = Browser(second);
        Assert.Equal(HttpStatusCode.OK, (await toSecond.SendAsync(WithSession(HttpMethod.Get, "/api/v1/jobs", cookie, origin: null))).StatusCode);
        using var toStranger = Browser(stranger);
        await (await toStranger.SendAsync(WithSession(HttpMethod.Get, "/api/v1/jobs", cookie, origin: null)))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "not valid on this server");
    }

    [Fact]
    public async Task Logout_needs_the_token_and_clears_the_cookie()
    {
        var (cookie, csrf, _) = await LogInAsync();
        using var browser = Browser();

        await (await browser.SendAsync(WithSession(HttpMethod.Delete, "/api/v1/session", cookie))).AssertProblemAsync(HttpStatusCode.Forbidden);
        var logout = await browser.SendAsync(WithSession(HttpMethod.Delete, "/api/v1/session", cookie, csrf));

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var cleared = Assert.Single(logout.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("rq_session=;", cleared, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_events_websocket_takes_the_cookie_from_the_dashboard_only()
    {
        var (cookie, _, _) = await LogInAsync();
        var sockets = _app.Server.CreateWebSocketClient();
        var uri = new Uri(_app.Server.BaseAddress, "/api/v1/events");

        sockets.ConfigureRequest = r =>
        {
            r.Headers.Cookie = cookie;
            r.Headers.Origin = "https://evil.example";
        };
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => sockets.ConnectAsync(uri, CancellationToken.None));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);

        sockets.ConfigureRequest = r =>
        {
            r.Headers.Cookie = cookie;
            r.Headers.Origin = Dashboard;
        };
        using var socket = await sockets.ConnectAsync(uri, CancellationToken.None);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
    }
}
