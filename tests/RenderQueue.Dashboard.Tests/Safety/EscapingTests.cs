using System.Net;
using Microsoft.Playwright;
using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Dashboard.Tests.Support;

namespace RenderQueue.Dashboard.Tests.Safety;

/// <summary>
/// Markup in everything people and workers can write (metadata, payloads, errors, worker names, models, GPU names)
/// and in a deep link's queue filter. Each would set <c>window.__pwned</c> or load <c>/x</c> if it were parsed.
/// </summary>
public sealed class HostileTextServer : DashboardServer
{
    public const string Script = "<script>window.__pwned = 'script'</script>";
    public const string Image = "<img src=x onerror=\"window.__pwned = 'img'\">";

    public string JobId { get; private set; } = "";
    public string FailedJobId { get; private set; } = "";

    protected override async Task SeedAsync()
    {
        var worker = await ManualWorker.RegisterAsync(Api, "hostile-worker", name: Script + " box",
            gpus: [new Core.Workers.GpuInfo(0, Image, 24_000, 20_000)], models: [Script, "<b>bold</b>.safetensors"]);
        var job = await Api.SubmitAsync(ManualWorker.Job("renders", new
        {
            Title = Script,
            Traits = new Dictionary<string, object> { ["hat"] = Image, [Script] = "<i>key</i>" },
        }) with { Payload = Jobs.Json(new { Prompt = Script + Image }) });
        JobId = job.Id;

        var failing = await Api.SubmitAsync(ManualWorker.Job("renders", new { Title = "fails" }));
        await worker.LeaseAsync(); // the first job
        var leased = await worker.LeaseAsync();
        await Api.FailAsync(leased.LeaseToken, new JobError("Out of memory " + Image, "oom"), retryable: false);
        FailedJobId = failing.Id;
    }
}

[Collection(PagesCollection.Name)]
public sealed class EscapingTests(Chromium chromium, HostileTextServer server) : DashboardTest<HostileTextServer>(chromium, server)
{
    private static async Task AssertNothingRanAsync(IPage page)
    {
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__pwned"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('main script, main img:not(.thumb):not(.preview-image), main b, main i').length"));
    }

    [Fact]
    public async Task A_queue_name_with_markup_is_refused_by_the_API_and_shown_as_text_from_a_deep_link()
    {
        var refused = await Assert.ThrowsAsync<RenderQueueApiException>(() => Api.SubmitAsync(Jobs.Idle(HostileTextServer.Script)));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var ui = await OpenAsync("#/jobs?queue=" + Uri.EscapeDataString(HostileTextServer.Script));

        await Assertions.Expect(ui.Page.Locator(".warning")).ToContainTextAsync($"“{HostileTextServer.Script}” is not a queue name");
        await Assertions.Expect(ui.Page.GetByLabel("Queue", new() { Exact = true })).ToHaveValueAsync(HostileTextServer.Script);
        await AssertNothingRanAsync(ui.Page);
    }

    [Fact]
    public async Task Metadata_payload_and_errors_with_markup_are_shown_as_text()
    {
        var ui = await OpenAsync($"#/jobs/{Server.JobId}");
        var page = ui.Page;

        await Assertions.Expect(page.Locator(".job-heading-title")).ToHaveTextAsync(HostileTextServer.Script);
        await Assertions.Expect(page.Locator(".props").First).ToContainTextAsync(HostileTextServer.Image);
        await Assertions.Expect(page.Locator(".props").First).ToContainTextAsync("<i>key</i>");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Payload" })).ToContainTextAsync(HostileTextServer.Script);

        await ui.GoAsync("#/jobs");
        await Assertions.Expect(page.Locator($"tr[data-job-id='{Server.JobId}'] .job-title")).ToHaveTextAsync(HostileTextServer.Script);
        await Assertions.Expect(page.Locator($"tr[data-job-id='{Server.FailedJobId}'] .error-line")).ToContainTextAsync(HostileTextServer.Image);

        await ui.GoAsync($"#/jobs/{Server.FailedJobId}");
        await Assertions.Expect(page.Locator(".error-detail")).ToContainTextAsync("Out of memory " + HostileTextServer.Image);
        await AssertNothingRanAsync(page);
    }

    [Fact]
    public async Task Worker_names_models_and_gpus_with_markup_are_shown_as_text()
    {
        var ui = await OpenAsync("#/workers");

        await Assertions.Expect(ui.Page.Locator("article.worker h2")).ToHaveTextAsync(HostileTextServer.Script + " box");
        await Assertions.Expect(ui.Page.Locator(".gpu-name")).ToContainTextAsync(HostileTextServer.Image);
        await Assertions.Expect(ui.Page.Locator("article.worker")).ToContainTextAsync("<b>bold</b>.safetensors");
        await AssertNothingRanAsync(ui.Page);
    }
}
