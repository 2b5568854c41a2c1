using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace RenderQueue.Dashboard.Tests.Support;

/// <summary>
/// A browser tab on the dashboard, in its own context. It records every console error or warning, uncaught exception,
/// failed request and non-2xx response; the test fails on any of them unless the test declared it with <see cref="Allow"/>.
/// </summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly List<string> _problems = [];
    private readonly List<(int Status, string Path)> _allowed = [];

    private DashboardPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" && !IsAllowedConsole(message.Text)) Record($"console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => Record($"uncaught exception: {error}");
        page.RequestFailed += (_, request) => Record($"request failed: {request.Method} {request.Url}: {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !IsAllowed(response.Status, new Uri(response.Url).AbsolutePath))
                Record($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyList<string> Problems
    {
        get { lock (_problems) return [.. _problems]; }
    }

    public static async Task<DashboardPage> OpenAsync(IBrowser browser, Uri server, string hash, int width, int height,
        Func<IBrowserContext, Task>? prepare = null)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = ColorScheme.Light,
            ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(20_000);
        if (prepare is not null) await prepare(context);
        var page = await context.NewPageAsync();
        var dashboard = new DashboardPage(context, page);
        await page.GotoAsync("/" + hash);
        await dashboard.WaitUntilLiveAsync();
        return dashboard;
    }

    /// <summary>Goes to a hash route in the same document (no reload), as a click on a link would.</summary>
    public async Task GoAsync(string hash)
    {
        await Page.EvaluateAsync("hash => { location.hash = hash; }", hash);
        await Assertions.Expect(Page.Locator("main h1")).ToBeVisibleAsync();
    }

    /// <summary>The events WebSocket is connected.</summary>
    public Task WaitUntilLiveAsync() => Assertions.Expect(Page.Locator("#live-status")).ToHaveTextAsync("Live");

    /// <summary>Declares a refusal the test provokes on purpose (the response and Chromium's console line for it).</summary>
    public void Allow(int status, string pathStartsWith)
    {
        lock (_problems) _allowed.Add((status, pathStartsWith));
    }

    private bool IsAllowed(int status, string path)
    {
        lock (_problems) return _allowed.Any(a => a.Status == status && path.StartsWith(a.Path, StringComparison.Ordinal));
    }

    private bool IsAllowedConsole(string text)
    {
        var match = Regex.Match(text, @"status of (\d{3})");
        lock (_problems) return match.Success && _allowed.Any(a => a.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) == match.Groups[1].Value);
    }

    private void Record(string problem)
    {
        lock (_problems) _problems.Add(problem);
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
