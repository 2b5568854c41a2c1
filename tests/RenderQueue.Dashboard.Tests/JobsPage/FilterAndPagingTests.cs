using System.Diagnostics;
using Microsoft.Playwright;
using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Dashboard.Tests.Support;

namespace RenderQueue.Dashboard.Tests.JobsPage;

/// <summary>Server-side filters and cursor paging over 10,000 jobs.</summary>
[Collection(ActionsCollection.Name)]
public sealed class FilterAndPagingTests(Chromium chromium, ManyJobsServer server, ITestOutputHelper output)
    : DashboardTest<ManyJobsServer>(chromium, server)
{
    private const string RowIds = "() => [...document.querySelectorAll('tbody tr[data-job-id]')].map(tr => tr.dataset.jobId)";

    private static async Task<List<string>> RowsAsync(IPage page) => [.. await page.EvaluateAsync<string[]>(RowIds)];

    private static async Task WaitForPageAsync(IPage page, int number)
    {
        await Assertions.Expect(page.Locator(".page-info")).ToHaveTextAsync($"Page {number}");
        await Assertions.Expect(page.Locator(".data-table")).Not.ToHaveAttributeAsync("aria-busy", "true");
    }

    [Fact]
    public async Task State_filter_shows_only_the_chosen_states()
    {
        var ui = await OpenAsync("#/jobs");
        var page = ui.Page;
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(50);

        await page.Locator(".state-filter label", new() { HasText = "Failed" }).ClickAsync();
        await page.Locator(".state-filter label", new() { HasText = "Canceled" }).ClickAsync();

        await page.WaitForFunctionAsync("""
            () => {
              const badges = [...document.querySelectorAll('tbody .badge.state')].map(b => b.textContent);
              return badges.length === 50 && badges.every(t => t === 'Failed' || t === 'Canceled') && badges.includes('Failed');
            }
            """);
        Assert.EndsWith("#/jobs?state=failed,canceled", page.Url, StringComparison.Ordinal);
        var expected = (await Server.ApiPagesAsync(new JobListQuery { States = [JobState.Failed, JobState.Canceled] }, 1))[0];
        Assert.Equal(expected, await RowsAsync(page));

        await page.Locator(".state-filter label", new() { HasText = "Canceled" }).ClickAsync();

        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(ManyJobsServer.Failed);
        Assert.All(await page.Locator("tbody .badge.state").AllTextContentsAsync(), text => Assert.Equal("Failed", text));
        await Assertions.Expect(page.Locator("tbody .error-line").First).ToContainTextAsync("could not finish");
    }

    [Fact]
    public async Task Paging_walks_10000_jobs_forward_and_back_with_no_duplicates()
    {
        var clock = Stopwatch.StartNew();
        var ui = await OpenAsync("#/jobs?queue=bulk");
        var page = ui.Page;
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(50);
        output.WriteLine($"Jobs page with {ManyJobsServer.BulkJobs:N0} jobs in the store: first page shown {clock.ElapsedMilliseconds} ms after navigation started.");

        var expected = await Server.ApiPagesAsync(new JobListQuery { Queue = "bulk" }, 4);
        var seen = new List<List<string>> { await RowsAsync(page) };
        for (var number = 2; number <= 4; number++)
        {
            clock.Restart();
            await page.GetByRole(AriaRole.Button, new() { Name = "Next →" }).ClickAsync();
            await WaitForPageAsync(page, number);
            output.WriteLine($"Page {number} shown {clock.ElapsedMilliseconds} ms after Next.");
            seen.Add(await RowsAsync(page));
        }

        Assert.Equal(expected, seen);
        var all = seen.SelectMany(ids => ids).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());

        for (var number = 3; number >= 1; number--)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "← Previous" }).ClickAsync();
            await WaitForPageAsync(page, number);
            Assert.Equal(expected[number - 1], await RowsAsync(page));
        }
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "← Previous" })).ToBeDisabledAsync();
    }

    [Fact]
    public async Task Queued_rows_show_their_position_and_search_by_id_opens_a_job()
    {
        var newest = (await Api.ListJobsAsync(new JobListQuery { Queue = "bulk", States = [JobState.Queued], Limit = 1 })).Items.Single();
        var ui = await OpenAsync("#/jobs?queue=bulk&state=queued");
        var row = ui.Page.Locator($"tr[data-job-id='{newest.Id}']");
        await Assertions.Expect(row).ToContainTextAsync($"#{newest.Position:N0} in queue");

        var search = ui.Page.GetByRole(AriaRole.Search).GetByLabel("Find a job by id");
        await search.FillAsync(newest.Id.ToUpperInvariant());
        await search.PressAsync("Enter");

        await Assertions.Expect(ui.Page.Locator("main h1")).ToContainTextAsync(newest.Id);
        Assert.EndsWith($"#/jobs/{newest.Id}", ui.Page.Url, StringComparison.Ordinal);
    }
}
