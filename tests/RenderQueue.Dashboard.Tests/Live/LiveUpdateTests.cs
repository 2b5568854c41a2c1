using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RenderQueue.Worker.Runtime.Imaging;
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

    // Progress is driven by hand through the worker API, step by step, each step awaited on the page: a timed
    // simulated job could finish (and its bar vanish) before a loaded machine has painted the page.
    [Fact]
    public async Task A_job_submitted_through_the_API_appears_without_reload_and_its_progress_bar_advances()
    {
        var worker = await ManualWorker.RegisterAsync(Api, "live-table");
        var ui = await OpenAsync("#/jobs");
        var page = ui.Page;
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        var job = await Api.SubmitAsync(ManualWorker.Job("renders", new { Title = "Live one" }));

        var row = page.Locator($"tr[data-job-id='{job.Id}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator(".job-title")).ToHaveTextAsync("Live one");
        var leased = await worker.LeaseAsync();
        var bar = $"tr[data-job-id='{job.Id}'] [role=progressbar]";
        await Api.RenewAsync(leased.LeaseToken, new JobProgress(6, 24, "sampling"));
        Assert.Equal(6, await ProgressAboveAsync(page, bar, 0));
        await Api.RenewAsync(leased.LeaseToken, new JobProgress(18, 24, "sampling"));
        Assert.Equal(18, await ProgressAboveAsync(page, bar, 6));
        await Api.CompleteAsync(leased.LeaseToken);

        await Assertions.Expect(row.Locator(".badge.state")).ToHaveTextAsync("Succeeded");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded.");
    }

    [Fact]
    public async Task The_job_page_follows_progress_and_shows_the_output_when_the_job_succeeds()
    {
        var worker = await ManualWorker.RegisterAsync(Api, "live-detail");
        var job = await Api.SubmitAsync(ManualWorker.Job("renders"));
        var leased = await worker.LeaseAsync();
        await Api.RenewAsync(leased.LeaseToken, new JobProgress(2, 24, "loading model"));
        var ui = await OpenAsync($"#/jobs/{job.Id}");
        var page = ui.Page;

        Assert.Equal(2, await ProgressAboveAsync(page, "main [role=progressbar]", 0));
        await Api.RenewAsync(leased.LeaseToken, new JobProgress(12, 24, "sampling"));
        Assert.Equal(12, await ProgressAboveAsync(page, "main [role=progressbar]", 2));
        using (var png = new MemoryStream(PngEncoder.Gradient(96, 96, seed: 7)))
            await Api.UploadArtifactAsync(leased.LeaseToken, "render.png", png, "image/png");
        await Api.CompleteAsync(leased.LeaseToken);

        await Assertions.Expect(page.Locator("main .job-header .badge.state")).ToHaveTextAsync("Succeeded");
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
