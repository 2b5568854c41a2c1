using Microsoft.Playwright;
using RenderQueue.Client;

namespace RenderQueue.Dashboard.Tests.Support;

/// <summary>
/// Base of the dashboard test classes: one server per class (a class fixture), the collection's browser, and a check
/// after every test that no page it opened logged a console error or saw a failed request. Each class names its
/// collection (<see cref="PagesCollection"/> or <see cref="ActionsCollection"/>), whose Chromium it shares.
/// </summary>
public abstract class DashboardTest<TServer>(Chromium chromium, TServer server) : IClassFixture<TServer>, IAsyncLifetime
    where TServer : DashboardServer
{
    private readonly List<DashboardPage> _pages = [];

    static DashboardTest() => Assertions.SetDefaultExpectTimeout(20_000);

    protected TServer Server => server;

    protected RenderQueueClient Api => server.Api;

    /// <summary>
    /// Opens the dashboard at <paramref name="hash"/> in a fresh browser context and waits until it is live;
    /// <paramref name="prepare"/> sets the context up first (e.g. routes).
    /// </summary>
    protected async Task<DashboardPage> OpenAsync(string hash = "#/", int width = 1280, int height = 900, Func<IBrowserContext, Task>? prepare = null)
    {
        var page = await DashboardPage.OpenAsync(chromium.Browser, server.Address, hash, width, height, prepare);
        _pages.Add(page);
        return page;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        var problems = _pages.SelectMany(p => p.Problems).ToList();
        foreach (var page in _pages) await page.DisposeAsync();
        Assert.True(problems.Count == 0, "The dashboard logged errors or saw failed requests:\n" + string.Join("\n", problems));
    }
}
