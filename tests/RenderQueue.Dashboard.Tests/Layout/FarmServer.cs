using RenderQueue.Core.Jobs;
using RenderQueue.Dashboard.Tests.Support;

namespace RenderQueue.Dashboard.Tests.Layout;

/// <summary>
/// A small render farm in the middle of its day: three workers, several queues, finished renders with outputs, a
/// render that ran out of memory once, a failed upscale, a canceled job, long renders running with progress, a
/// backlog with positions and ETAs, and a scheduled job.
/// </summary>
public sealed class FarmServer : DashboardServer
{
    public string RetriedRenderId { get; private set; } = "";

    protected override async Task SeedAsync()
    {
        await StartWorkerAsync(Fleet.GpuBox1);
        await StartWorkerAsync(Fleet.GpuBox2);
        await StartWorkerAsync(Fleet.Studio);

        var finished = await Api.SubmitBatchAsync(
        [
            Jobs.Simulated("renders", 1.2, 12, Portrait("Portrait, golden hour", "red", "linen", 1044), size: 320),
            Jobs.Simulated("renders", 1.6, 16, Portrait("Castle at dusk", "none", "stone", 7731), fail: "oom", failAttempts: 1, size: 320),
            Jobs.Simulated("renders", 0.8, 8, Portrait("Street market, rain", "blue", "wool", 310), size: 320),
            Jobs.Simulated("thumbnails", 0.4, 4, new { Title = "Thumbnail: harbour.png", Source = "harbour.png" }, size: 128),
            Jobs.Simulated("thumbnails", 0.4, 4, new { Title = "Thumbnail: forest.png", Source = "forest.png" }, size: 128),
            Jobs.Simulated("upscale", 0.6, 6, new { Title = "Upscale 4x: lighthouse.png", Model = "4x-UltraSharp.pth" }, fail: "invalid_input"),
            Jobs.Simulated("tts", 0.7, 7, new { Title = "Narration, chapter 2", Voice = "xtts_v2/en-female-1" }),
        ]);
        RetriedRenderId = finished[1].Id;
        foreach (var job in finished) await Api.WaitForAsync(job.Id, j => j.State is JobState.Succeeded or JobState.Failed, "finished");

        var backlogQueue = await Api.SubmitAsync(Jobs.Simulated("renders", 30, 30, Portrait("Canceled: wrong aspect ratio", "green", "silk", 55)) with { RunAt = DateTimeOffset.UtcNow.AddHours(1) });
        await Api.CancelAsync(backlogQueue.Id);

        var running = await Api.SubmitBatchAsync(
        [
            Jobs.Simulated("renders", 16, 200, Portrait("SDXL batch: 8 portraits", "yellow", "denim", 90210), priority: 5, size: 320),
            Jobs.Simulated("renders", 40, 200, Portrait("Concept art: desert city", "none", "cotton", 4242), size: 320),
            Jobs.Simulated("upscale", 24, 200, new { Title = "Upscale 4x: market_02.png", Model = "RealESRGAN_x4plus.pth" }),
            Jobs.Simulated("tts", 30, 200, new { Title = "Narration, chapter 3", Voice = "xtts_v2/en-female-1" }),
        ]);
        foreach (var job in running) await Api.WaitForAsync(job.Id, j => j.State == JobState.Running && j.Progress?.Value > 0, "running with progress");

        await Api.SubmitBatchAsync(
        [
            .. Enumerable.Range(1, 6).Select(i => Jobs.Simulated("renders", 20, 20, Portrait($"Character sheet #{i}", "black", "leather", 1000 + i))),
            Jobs.Simulated("upscale", 20, 20, new { Title = "Upscale 4x: alley_night.png", Model = "4x-UltraSharp.pth" }),
            Jobs.Simulated("renders", 10, 10, Portrait("Nightly contact sheet", "none", "paper", 1)) with { RunAt = DateTimeOffset.UtcNow.AddMinutes(20) },
        ]);
    }

    private static object Portrait(string title, string hat, string fabric, int seed) => new
    {
        Title = title,
        Prompt = $"{title.ToLowerInvariant()}, 35mm, soft light",
        Model = "sd_xl_base_1.0.safetensors",
        Seed = seed,
        Traits = new { Hat = hat, Fabric = fabric, Background = "studio" },
    };
}
