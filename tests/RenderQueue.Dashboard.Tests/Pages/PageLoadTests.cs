using Microsoft.Playwright;
using RenderQueue.Core.Jobs;
using RenderQueue.Dashboard.Tests.Support;

namespace RenderQueue.Dashboard.Tests.Pages;

/// <summary>A small fleet with a finished job, so every page has something to show.</summary>
public sealed class FinishedJobServer : DashboardServer
{
    public string FinishedJobId { get; private set; } = "";

    protected override async Task SeedAsync()
    {
        await StartWorkerAsync(Fleet.GpuBox1);
        var job = await Api.SubmitAsync(Jobs.Simulated("renders", 0.5, steps: 5, metadata: new { Title = "Portrait, golden hour", Traits = new { Hat = "red" } }));
        await Api.WaitForStateAsync(job.Id, JobState.Succeeded);
        FinishedJobId = job.Id;
    }
}

[Collection(PagesCollection.Name)]
public sealed class PageLoadTests(Chromium chromium, FinishedJobServer server) : DashboardTest<FinishedJobServer>(chromium, server)
{
    [Fact]
    public async Task Every_page_loads_with_no_console_errors_and_no_failed_requests()
    {
        var ui = await OpenAsync("#/");
        var page = ui.Page;
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Overview");
        await Assertions.Expect(page.Locator(".state-card.state-succeeded .stat-value")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("figure.chart svg[role=img]")).ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-job-id='{Server.FinishedJobId}']")).ToBeVisibleAsync();

        await page.Locator($"tr[data-job-id='{Server.FinishedJobId}'] a.job-id").ClickAsync();
        await Assertions.Expect(page.Locator("main h1")).ToContainTextAsync(Server.FinishedJobId);
        await Assertions.Expect(page.Locator(".props").First).ToContainTextAsync("red");

        await page.GetByRole(AriaRole.Link, new() { Name = "Workers", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("article.worker h2")).ToHaveTextAsync("gpu-box-1");

        await page.GetByRole(AriaRole.Link, new() { Name = "Queues", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-queue='renders']")).ToBeVisibleAsync();
    }
}
