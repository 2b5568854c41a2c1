using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace RenderQueue.Server.Tests;

/// <summary>The server's part of the dashboard: its static files, their headers, and how outputs are served to it.</summary>
public sealed class DashboardFilesTests : IDisposable
{
    private readonly RenderQueueApp _app = new();
    private readonly HttpClient _http;

    public DashboardFilesTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Root_serves_the_dashboard_with_a_strict_content_security_policy_and_revalidation()
    {
        var response = await _http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"js/app.js\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoCache, "Unfingerprinted files must be revalidated.");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.NotNull(response.Headers.ETag);
    }

    [Theory]
    [InlineData("/js/app.js", "text/javascript")]
    [InlineData("/js/api.js", "text/javascript")]
    [InlineData("/js/events.js", "text/javascript")]
    [InlineData("/css/base.css", "text/css")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    public async Task Dashboard_files_are_served_with_their_types(string path, string mediaType)
    {
        var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Index_preloads_every_module_so_the_browser_fetches_them_at_once_and_each_is_served()
    {
        var index = await _http.GetStringAsync("/");
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var modules = Directory.EnumerateFiles(Path.Combine(root, "js"), "*.js", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
            .ToList();

        Assert.NotEmpty(modules);
        foreach (var module in modules)
        {
            var named = module == "js/app.js" ? "<script type=\"module\" src=\"js/app.js\">" : $"<link rel=\"modulepreload\" href=\"{module}\">";
            Assert.Contains(named, index, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/" + module)).StatusCode);
        }
    }

    [Fact]
    public async Task A_revalidation_with_the_etag_is_answered_304()
    {
        var first = await _http.GetAsync("/js/app.js");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/js/app.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        Assert.Equal(HttpStatusCode.NotModified, (await _http.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Api_paths_are_not_shadowed_by_the_dashboard()
    {
        await (await _http.GetAsync("/api/v1/nothing-here")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/api/v1/stats")).StatusCode);
    }

    [Fact]
    public async Task Outputs_are_served_sandboxed_so_an_html_artifact_cannot_run_script_on_the_dashboard_origin()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        var leased = (await _http.LeaseAsync("gpu-1")).Single(j => j.Id == job.Id);
        var html = new ByteArrayContent(Encoding.UTF8.GetBytes("<script>alert(document.cookie)</script>"));
        html.Headers.ContentType = new MediaTypeHeaderValue("text/html");
        (await _http.PutAsync($"/api/v1/leases/{leased.Id}/artifacts/page.html?attempt=1", html)).EnsureSuccessStatusCode();

        var download = await _http.GetAsync($"/api/v1/jobs/{leased.Id}/artifacts/page.html");

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var csp = string.Join(";", download.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("sandbox", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
