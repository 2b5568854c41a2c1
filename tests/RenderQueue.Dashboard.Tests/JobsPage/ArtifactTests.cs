using System.Text;
using Microsoft.Playwright;
using RenderQueue.Core.Jobs;
using RenderQueue.Dashboard.Tests.Live;
using RenderQueue.Dashboard.Tests.Support;

namespace RenderQueue.Dashboard.Tests.JobsPage;

/// <summary>Outputs: image thumbnails with a full-size preview; other files as download links.</summary>
[Collection(ActionsCollection.Name)]
public sealed class ArtifactTests(Chromium chromium, OneWorkerServer server) : DashboardTest<OneWorkerServer>(chromium, server)
{
    private const string NaturalWidth = "selector => { const img = document.querySelector(selector); return img && img.complete && img.naturalWidth > 0 ? img.naturalWidth : null; }";

    [Fact]
    public async Task An_image_artifact_renders_as_a_thumbnail_and_opens_full_size()
    {
        var job = await Api.SubmitAsync(Jobs.Simulated("renders", 0.3, steps: 3, size: 200));
        await Api.WaitForStateAsync(job.Id, JobState.Succeeded);
        var ui = await OpenAsync($"#/jobs/{job.Id}");
        var page = ui.Page;

        var width = await (await page.WaitForFunctionAsync(NaturalWidth, "img.thumb")).JsonValueAsync<int>();
        Assert.Equal(200, width);
        await Assertions.Expect(page.Locator("img.thumb")).ToHaveAttributeAsync("alt", "simulated.png");

        await page.GetByRole(AriaRole.Button, new() { Name = "Preview simulated.png" }).ClickAsync();
        var preview = page.Locator("dialog[open]");
        await Assertions.Expect(preview.GetByRole(AriaRole.Heading)).ToHaveTextAsync("simulated.png");
        Assert.Equal(200, await (await page.WaitForFunctionAsync(NaturalWidth, "dialog[open] img")).JsonValueAsync<int>());
        await Assertions.Expect(preview.GetByRole(AriaRole.Link, new() { Name = "Download" })).ToHaveAttributeAsync("download", "simulated.png");

        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(preview).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Preview simulated.png" })).ToBeFocusedAsync();
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_a_download_link()
    {
        var worker = await ManualWorker.RegisterAsync(Api, "uploader");
        var job = await Api.SubmitAsync(ManualWorker.Job("renders"));
        var leased = await worker.LeaseAsync();
        using (var log = new MemoryStream(Encoding.UTF8.GetBytes("step 1 ok\nstep 2 ok\n")))
            await Api.UploadArtifactAsync(leased.LeaseToken, "render.log", log, "text/plain");
        await Api.CompleteAsync(leased.LeaseToken);

        var ui = await OpenAsync($"#/jobs/{job.Id}");

        var link = ui.Page.GetByRole(AriaRole.Link, new() { Name = "render.log" });
        await Assertions.Expect(link).ToHaveAttributeAsync("download", "render.log");
        await Assertions.Expect(link).ToHaveAttributeAsync("href", $"/api/v1/jobs/{job.Id}/artifacts/render.log");
        await Assertions.Expect(ui.Page.Locator(".artifact img")).ToHaveCountAsync(0);
    }
}
