using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Dashboard.Tests.Support;

namespace RenderQueue.Dashboard.Tests.Layout;

/// <summary>The pages with realistic data: screenshots for the docs, the phone-width layout, and keyboard use.</summary>
[Collection(PagesCollection.Name)]
public sealed class FarmPagesTests(Chromium chromium, FarmServer server) : DashboardTest<FarmServer>(chromium, server)
{
    // The docs' screenshots are refreshed on request (RENDERQUEUE_UPDATE_SCREENSHOTS=1 ./test.sh); an ordinary run
    // writes them beside the test binaries, so running the tests leaves the working tree clean.
    private static readonly string Screenshots = Environment.GetEnvironmentVariable("RENDERQUEUE_UPDATE_SCREENSHOTS") == "1"
        ? Path.Combine(typeof(FarmPagesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
            "docs", "screenshots")
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    private const string OnlyRunningRows =
        "() => { const b = [...document.querySelectorAll('tbody .badge.state')].map(x => x.textContent); return b.length > 0 && b.every(t => t === 'Running'); }";

    private const string ImagesLoaded = "() => [...document.querySelectorAll('main img')].every(img => img.complete && img.naturalWidth > 0)";

    private static async Task ShootAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.WaitForFunctionAsync(ImagesLoaded);
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name), FullPage = true });
    }

    [Fact]
    public async Task Screenshots_of_the_overview_jobs_job_and_workers_pages_at_1280_px()
    {
        // Renders a little way in look like renders in progress.
        await Eventually.TrueAsync(async () => (await Api.ListJobsAsync(new JobListQuery { States = [JobState.Running] })).Items
            .Any(j => j.Progress?.Value >= 50), "a render a quarter done");
        var ui = await OpenAsync("#/", width: 1280, height: 800);
        var page = ui.Page;
        await Assertions.Expect(page.Locator(".state-card.state-running .stat-value")).ToHaveTextAsync(new Regex("^[1-9]"));
        await Assertions.Expect(page.Locator("figure.chart")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("tbody .badge.error-class").First).ToBeVisibleAsync();
        await ShootAsync(page, "overview.png");

        await ui.GoAsync("#/jobs");
        await Assertions.Expect(page.Locator("tbody [role=progressbar]").First).ToBeVisibleAsync();
        await ShootAsync(page, "jobs.png");

        await ui.GoAsync($"#/jobs/{Server.RetriedRenderId}");
        await Assertions.Expect(page.Locator("table.attempts tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("img.thumb")).ToBeVisibleAsync();
        await ShootAsync(page, "job-detail.png");

        await ui.GoAsync("#/workers");
        await Assertions.Expect(page.Locator("article.worker")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("article.worker .current-jobs [role=progressbar]").First).ToBeVisibleAsync();
        await ShootAsync(page, "workers.png");

        await ui.GoAsync("#/queues");
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(4);
        await ShootAsync(page, "queues.png");
    }

    [Theory]
    [InlineData("#/jobs")]
    [InlineData("#/")]
    [InlineData("#/workers")]
    [InlineData("#/queues")]
    public async Task At_phone_width_pages_have_no_horizontal_overflow(string hash)
    {
        var ui = await OpenAsync(hash, width: 375, height: 812);
        await Assertions.Expect(ui.Page.Locator("main h1")).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.Locator("main .empty, main tbody tr, main article, main .stat-card").First).ToBeVisibleAsync();

        var overflow = await ui.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"{hash} is {overflow} px wider than a 375 px screen.");
        if (hash == "#/jobs") await ShootAsync(ui.Page, "jobs-phone.png");
    }

    [Fact]
    public async Task At_phone_width_the_job_page_has_no_horizontal_overflow()
    {
        var ui = await OpenAsync($"#/jobs/{Server.RetriedRenderId}", width: 375, height: 812);
        await Assertions.Expect(ui.Page.Locator("img.thumb")).ToBeVisibleAsync();

        var overflow = await ui.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The job page is {overflow} px wider than a 375 px screen.");
    }

    [Fact]
    public async Task Navigation_filters_and_actions_work_from_the_keyboard()
    {
        var ui = await OpenAsync("#/");
        var page = ui.Page;

        await TabToAsync(page, "a[data-route='jobs']");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main h1")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Jobs");

        await TabToAsync(page, ".state-filter input[value='running']");
        await page.Keyboard.PressAsync("Space");
        await page.WaitForFunctionAsync(OnlyRunningRows);
        Assert.EndsWith("#/jobs?state=running", page.Url, StringComparison.Ordinal);

        await TabToAsync(page, "tbody a.job-id");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("button[data-action='cancel']")).ToBeVisibleAsync();
        await TabToAsync(page, "button[data-action='cancel']");
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.Locator("dialog[open]");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("button[data-action='cancel']")).ToBeFocusedAsync();
    }

    /// <summary>Presses Tab until the element matching <paramref name="selector"/> has the focus (at most 60 times).</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector)) return;
        }
        Assert.Fail($"Tab never reached {selector}.");
    }
}
