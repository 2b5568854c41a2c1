using System.Collections.Concurrent;
using System.Text.RegularExpressions;
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

        var job = await Api.SubmitAsync(Jobs.Simulated("renders", 4, steps: 24, metadata: new { Title = "Live one" }));

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
        var job = await Api.SubmitAsync(Jobs.Simulated("renders", 6, steps: 24, size: 96));
        await Api.WaitForAsync(job.Id, j => j.State == JobState.Running && j.Progress?.Value < 8, "running early");
        var ui = await OpenAsync($"#/jobs/{job.Id}");
        var page = ui.Page;

        var first = await ProgressAboveAsync(page, "main [role=progressbar]", 0);
        await ProgressAboveAsync(page, "main [role=progressbar]", first);
        await Assertions.Expect(page.Locator("main .job-header .badge.state")).ToHaveTextAsync("Succeeded", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("img.thumb")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task When_the_events_socket_drops_it_reconnects_with_after_and_the_server_replays_what_was_missed()
    {
        var connections = new List<(Uri Url, IWebSocketRoute Page)>();
        var replayed = new ConcurrentQueue<string>();
        var reconnect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ui = await OpenAsync("#/jobs", prepare: context => context.RouteWebSocketAsync(new Regex("/api/v1/events"), socket =>
        {
            int number;
            lock (connections)
            {
                connections.Add((new Uri(socket.Url), socket));
                number = connections.Count;
            }
            if (number == 1)
            {
                socket.ConnectToServer();
                return;
            }
            // Later connections reach the server only once the test has submitted a job while the page was cut off.
            _ = reconnect.Task.ContinueWith(_ =>
            {
                var server = socket.ConnectToServer();
                server.OnMessage(frame =>
                {
                    replayed.Enqueue(frame.Text ?? "");
                    socket.Send(frame.Text ?? "");
                });
            }, TaskScheduler.Default);
        }));
        var page = ui.Page;
        await Api.PauseQueueAsync("gap"); // its jobs stay queued
        var before = await Api.SubmitAsync(Jobs.Simulated("gap", 1));
        await Assertions.Expect(page.Locator($"tr[data-job-id='{before.Id}']")).ToBeVisibleAsync();

        IWebSocketRoute first;
        lock (connections) first = connections[0].Page;
        await first.CloseAsync(new() { Code = 1012, Reason = "Test: the connection dropped." });
        var missed = await Api.SubmitAsync(Jobs.Simulated("gap", 1));
        reconnect.SetResult();

        await Assertions.Expect(page.Locator($"tr[data-job-id='{missed.Id}']")).ToBeVisibleAsync();
        await ui.WaitUntilLiveAsync();
        Uri second;
        lock (connections) second = connections[1].Url;
        Assert.Matches("after=[0-9]+", second.Query);
        await Eventually.TrueAsync(() => replayed.Any(text => text.Contains(missed.Id, StringComparison.Ordinal)), "replayed to the page after the reconnect");
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
