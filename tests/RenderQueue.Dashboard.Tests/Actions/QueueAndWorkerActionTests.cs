using Microsoft.Playwright;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using RenderQueue.Dashboard.Tests.Support;

namespace RenderQueue.Dashboard.Tests.Actions;

public sealed class TwoWorkerServer : DashboardServer
{
    protected override async Task SeedAsync()
    {
        await StartWorkerAsync(Fleet.GpuBox1);
        await StartWorkerAsync(Fleet.GpuBox2);
    }
}

/// <summary>Pausing and resuming a queue, setting its weight and cap, and draining a worker, from the dashboard; a
/// worker's health and backends.</summary>
[Collection(ActionsCollection.Name)]
public sealed class QueueAndWorkerActionTests(Chromium chromium, TwoWorkerServer server) : DashboardTest<TwoWorkerServer>(chromium, server)
{
    [Fact]
    public async Task Pause_and_resume_a_queue_from_the_UI()
    {
        var first = await Api.SubmitAsync(Jobs.Simulated("upscale", 0.2, steps: 2));
        await Api.WaitForStateAsync(first.Id, JobState.Succeeded);
        var ui = await OpenAsync("#/queues");
        var row = ui.Page.Locator("tr[data-queue='upscale']");

        await row.GetByRole(AriaRole.Button, new() { Name = "Pause queue upscale" }).ClickAsync();

        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("Paused");
        Assert.True((await Api.ListQueuesAsync()).Single(q => q.Name == "upscale").Paused);
        var held = await Api.SubmitAsync(Jobs.Simulated("upscale", 0.2, steps: 2));
        await Assertions.Expect(row.Locator("td[data-label='Queued']")).ToHaveTextAsync("1");
        Assert.Equal(JobState.Queued, (await Api.GetJobAsync(held.Id)).State);

        await row.GetByRole(AriaRole.Button, new() { Name = "Resume queue upscale" }).ClickAsync();

        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("Active");
        Assert.False((await Api.ListQueuesAsync()).Single(q => q.Name == "upscale").Paused);
        await Api.WaitForStateAsync(held.Id, JobState.Succeeded);
        await Assertions.Expect(row.Locator("td[data-label='Succeeded']")).ToHaveTextAsync("2");
    }

    [Fact]
    public async Task Set_weight_and_cap_of_a_queue_from_the_UI()
    {
        var ui = await OpenAsync("#/queues");
        var form = ui.Page.GetByRole(AriaRole.Form, new() { Name = "Queue settings" });

        await form.GetByLabel("Queue", new() { Exact = true }).FillAsync("finals");
        await form.GetByLabel("Weight").FillAsync("3");
        await form.GetByLabel("Max running").FillAsync("2");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();

        var row = ui.Page.Locator("tr[data-queue='finals']");
        await Assertions.Expect(row.Locator("td[data-label='Weight']")).ToHaveTextAsync("3");
        await Assertions.Expect(row.Locator("td[data-label='Max running']")).ToHaveTextAsync("2");
        var stored = (await Api.ListQueuesAsync()).Single(q => q.Name == "finals");
        Assert.Equal((3, (int?)2), (stored.Weight, stored.MaxRunning));

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit settings of queue finals" }).ClickAsync();
        await Assertions.Expect(form.GetByLabel("Weight")).ToHaveValueAsync("3");
        await form.GetByLabel("Max running").FillAsync("");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();

        await Assertions.Expect(row.Locator("td[data-label='Max running']")).ToHaveTextAsync("no cap");
        Assert.Null((await Api.ListQueuesAsync()).Single(q => q.Name == "finals").MaxRunning);
    }

    [Fact]
    public async Task Drain_a_worker_from_the_UI()
    {
        var ui = await OpenAsync("#/workers");
        var card = ui.Page.GetByRole(AriaRole.Article, new() { Name = "Worker gpu-box-2" });
        await Assertions.Expect(card.Locator(".gpu-name")).ToContainTextAsync("NVIDIA GeForce RTX 3090");
        await Assertions.Expect(card.GetByRole(AriaRole.Meter)).ToHaveAttributeAsync("aria-valuenow", "10626");

        await card.GetByRole(AriaRole.Button, new() { Name = "Drain gpu-box-2" }).ClickAsync();
        var dialog = ui.Page.Locator("dialog[open]");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Drain worker" }).ClickAsync();

        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Drain gpu-box-2" })).ToHaveTextAsync("Drain requested");
        Assert.True((await Api.ListWorkersAsync()).Single(w => w.Id == "gpu-box-2").DrainRequested);
        await Assertions.Expect(card.Locator(".badge")).ToHaveTextAsync("Draining");
        await Api.WaitForWorkerAsync("gpu-box-2", w => w.Status == WorkerStatus.Draining);
    }

    [Fact]
    public async Task An_unhealthy_worker_shows_its_status_reason_and_backends()
    {
        var gpus = new[] { new GpuInfo(0, "NVIDIA GeForce RTX 4090", 24_564, 20_000), new GpuInfo(1, "NVIDIA GeForce RTX 4090", 24_564, 24_000) };
        await Api.RegisterWorkerAsync(new WorkerRegistration
        {
            Id = "comfy-box",
            Name = "comfy-box",
            Types = ["comfyui"],
            Gpus = gpus,
            Backends =
            [
                new BackendInfo("comfyui-0", "comfyui", "http://127.0.0.1:8188", 0, BackendState.Ready, LoadedModels: ["sdxl_base.safetensors"]),
                new BackendInfo("comfyui-1", "comfyui", "http://127.0.0.1:8189", 1, BackendState.Ready),
            ],
        });
        var ui = await OpenAsync("#/workers");
        var card = ui.Page.GetByRole(AriaRole.Article, new() { Name = "Worker comfy-box" });
        await Assertions.Expect(card.Locator(".card-header .badge")).ToHaveTextAsync("Online");
        await Assertions.Expect(card.Locator(".backend")).ToHaveCountAsync(2);
        var first = card.GetByLabel("Backend comfyui-0: ready");
        await Assertions.Expect(first).ToContainTextAsync("GPU 0");
        await Assertions.Expect(first).ToContainTextAsync("sdxl_base.safetensors");

        await Api.HeartbeatAsync("comfy-box", new WorkerHeartbeat
        {
            Backends =
            [
                new BackendInfo("comfyui-0", "comfyui", GpuIndex: 0, State: BackendState.Unhealthy, Reason: "GET /system_stats: connection refused"),
                new BackendInfo("comfyui-1", "comfyui", GpuIndex: 1, State: BackendState.Unhealthy, Reason: "GET /system_stats: timed out after 2 s"),
            ],
        });

        // The page polls the registry (heartbeats are not events).
        await Assertions.Expect(card.Locator(".card-header .badge")).ToHaveTextAsync("Unhealthy");
        await Assertions.Expect(card).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("status-unhealthy"));
        await Assertions.Expect(card.Locator(".status-reason")).ToHaveTextAsync(
            "comfyui-0: GET /system_stats: connection refused; comfyui-1: GET /system_stats: timed out after 2 s");
        var sick = card.GetByLabel("Backend comfyui-1: unhealthy");
        await Assertions.Expect(sick.Locator(".badge")).ToHaveTextAsync("Unhealthy");
        await Assertions.Expect(sick.Locator(".backend-reason")).ToHaveTextAsync("GET /system_stats: timed out after 2 s");
        await Assertions.Expect(ui.Page.Locator(".page-meta")).ToContainTextAsync("1 unhealthy");
    }
}
