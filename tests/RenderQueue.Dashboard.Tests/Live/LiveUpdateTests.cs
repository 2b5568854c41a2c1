using Microsoft.Playwright;
using RenderQueue.Core.Jobs;
using RenderQueue.Dashboard.Tests.Support;

namespace RenderQueue.Dashboard.Tests.Live;

public sealed class OneWorkerServer : DashboardServer
{
    protected override Task SeedAsync() => StartWorkerAsync(Fleet.GpuBox1);
}

/// <summary>The events WebSocket keeps the pages current without a reload.</summary>
[Collection(PagesCollection.Name)]
public sealed class LiveUpdateTests(Chromium chromium, OneWorkerServer server) : DashboardTest<OneWorkerServer>(chromium, server)
{
    private const string ProgressOf = """
        ([selector, above]) => {
          const bar = document.querySelector(selector);
          return bar !== null && Number(bar.getAttribute('aria-valuenow')) > above ? Number(bar.getAttribute('aria-valuenow')) : null;
        }
        """;

    private static async Task<double> ProgressAboveAsync(IPage page, string selector, double above)
    {
        var handle = await page.WaitForFunctionAsync(ProgressOf, new object[] { selector, above });
        return await handle.JsonValueAsync<double>();
    }

    [Fact]
    public async Task A_job_submitted_through_the_API_appears_without_reload_and_its_progress_bar_advances()
    {
        var ui = await OpenAsync("#/jobs");
        var page = ui.Page;
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        var job = await Api.SubmitAsync(Jobs.Simulated("renders", 3, steps: 24, metadata: new { Title = "Live one" }));

        var row = page.Locator($"tr[data-job-id='{job.Id}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator(".job-title")).ToHaveTextAsync("Live one");
        var bar = $"tr[data-job-id='{job.Id}'] [role=progressbar]";
        var first = await ProgressAboveAsync(page, bar, 0);
        var later = await ProgressAboveAsync(page, bar, first);
        Assert.True(later > first);
        await Assertions.Expect(row.Locator(".badge.state")).ToHaveTextAsync("Succeeded", new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded.");
    }

    [Fact]
    public async Task The_job_page_follows_progress_and_shows_the_output_when_the_job_succeeds()
    {
        var job = await Api.SubmitAsync(Jobs.Simulated("renders", 3, steps: 24, size: 96));
        await Api.WaitForAsync(job.Id, j => j.State == JobState.Running && j.Progress?.Value < 8, "running early");
        var ui = await OpenAsync($"#/jobs/{job.Id}");
        var page = ui.Page;

        var first = await ProgressAboveAsync(page, "main [role=progressbar]", 0);
        await ProgressAboveAsync(page, "main [role=progressbar]", first);
        await Assertions.Expect(page.Locator("main .job-header .badge.state")).ToHaveTextAsync("Succeeded", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("img.thumb")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Overview_counts_follow_submissions_without_reload()
    {
        await Api.PauseQueueAsync("overview-held"); // its jobs stay queued
        var before = (await Api.GetStatsAsync()).Counts.Queued;
        var ui = await OpenAsync("#/");
        var queued = ui.Page.Locator(".state-card.state-queued .stat-value");
        await Assertions.Expect(queued).ToHaveTextAsync(before.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await Api.SubmitBatchAsync([.. Enumerable.Range(0, 3).Select(_ => Jobs.Simulated("overview-held", 1))]);

        await Assertions.Expect(queued).ToHaveTextAsync((before + 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(ui.Page.Locator("table a[href='#/jobs?queue=overview-held']")).ToBeVisibleAsync();
    }
}
