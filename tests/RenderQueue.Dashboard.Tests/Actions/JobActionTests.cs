using Microsoft.Playwright;
using RenderQueue.Core.Jobs;
using RenderQueue.Dashboard.Tests.Live;
using RenderQueue.Dashboard.Tests.Support;

namespace RenderQueue.Dashboard.Tests.Actions;

/// <summary>Cancel, retry, flag and priority from the job page, each confirmed in a dialog and checked through the API.</summary>
[Collection(ActionsCollection.Name)]
public sealed class JobActionTests(Chromium chromium, OneWorkerServer server) : DashboardTest<OneWorkerServer>(chromium, server)
{
    private static ILocator Dialog(IPage page) => page.Locator("dialog[open]");

    private static async Task ActAsync(IPage page, string action, string confirm, Func<ILocator, Task>? fill = null)
    {
        await page.Locator($"button[data-action='{action}']").ClickAsync();
        var dialog = Dialog(page);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        if (fill is not null) await fill(dialog);
        await dialog.GetByRole(AriaRole.Button, new() { Name = confirm, Exact = true }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Cancel_in_the_UI_cancels_the_running_job()
    {
        var job = await Api.SubmitAsync(Jobs.Simulated("renders", 60, steps: 60));
        await Api.WaitForAsync(job.Id, j => j.State == JobState.Running && j.Progress is not null, "running with progress");
        var ui = await OpenAsync($"#/jobs/{job.Id}");
        await Assertions.Expect(ui.Page.Locator("main [role=progressbar]")).ToBeVisibleAsync();

        await ActAsync(ui.Page, "cancel", "Cancel job");

        await Assertions.Expect(ui.Page.Locator("#announcer")).ToContainTextAsync("Cancel");
        var canceled = await Api.WaitForStateAsync(job.Id, JobState.Canceled);
        Assert.Equal(ErrorClasses.Canceled, canceled.Attempts.Last().Error?.Class);
        await Assertions.Expect(ui.Page.Locator("main .job-header .badge.state")).ToHaveTextAsync("Canceled");
        await Assertions.Expect(ui.Page.Locator("button[data-action='retry']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Flag_for_re_render_sends_the_reason_and_queues_the_job_again()
    {
        var job = await Api.SubmitAsync(Jobs.Simulated("renders", 0.2, steps: 2));
        await Api.WaitForStateAsync(job.Id, JobState.Succeeded);
        var ui = await OpenAsync($"#/jobs/{job.Id}");

        await ActAsync(ui.Page, "flag", "Flag for re-render", dialog => dialog.GetByLabel("Reason").FillAsync("hands look wrong"));

        var flagged = await Api.WaitForAsync(job.Id, j => j.FlagReason == "hands look wrong", "flagged");
        Assert.True(flagged.Attempt >= 1);
        await Assertions.Expect(ui.Page.Locator(".facts")).ToContainTextAsync("hands look wrong");
    }

    [Fact]
    public async Task A_refused_action_shows_the_servers_problem_in_the_dialog()
    {
        var job = await Api.SubmitAsync(Jobs.Simulated("renders", 0.2, steps: 2));
        await Api.WaitForStateAsync(job.Id, JobState.Succeeded);
        var ui = await OpenAsync($"#/jobs/{job.Id}");
        ui.Allow(400, $"/api/v1/jobs/{job.Id}/flag");

        await ui.Page.Locator("button[data-action='flag']").ClickAsync();
        var dialog = Dialog(ui.Page);
        await dialog.GetByLabel("Reason").FillAsync("   ");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Flag for re-render", Exact = true }).ClickAsync();

        await Assertions.Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("Say why the output must be rendered again");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        Assert.Equal(JobState.Succeeded, (await Api.GetJobAsync(job.Id)).State);
    }

    [Fact]
    public async Task Priority_change_and_retry_go_through_the_API()
    {
        await Api.PauseQueueAsync("held");
        var held = await Api.SubmitAsync(Jobs.Simulated("held", 0.2, steps: 2));
        var ui = await OpenAsync($"#/jobs/{held.Id}");

        await ActAsync(ui.Page, "priority", "Change priority", dialog => dialog.GetByLabel("New priority").FillAsync("42"));

        await Api.WaitForAsync(held.Id, j => j.Priority == 42, "priority 42");
        await Assertions.Expect(ui.Page.Locator(".facts")).ToContainTextAsync("42");

        var broken = await Api.SubmitAsync(Jobs.Simulated("renders", 0.2, steps: 2, fail: "invalid_input"));
        await Api.WaitForStateAsync(broken.Id, JobState.Failed);
        await ui.GoAsync($"#/jobs/{broken.Id}");
        await Assertions.Expect(ui.Page.Locator(".error-detail")).ToContainTextAsync("Simulated failure 'invalid_input'");

        await ActAsync(ui.Page, "retry", "Retry job");

        await Api.WaitForAsync(broken.Id, j => j.Attempt >= 2, "retried");
    }
}
