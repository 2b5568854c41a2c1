using RenderQueue.Core.Workers;

namespace RenderQueue.Dashboard.Tests.Support;

/// <summary>Worker profiles that look like a small render farm.</summary>
internal static class Fleet
{
    public static GpuInfo Rtx4090(int index, long freeMb) => new(index, "NVIDIA GeForce RTX 4090", 24_564, freeMb, $"GPU-4090-{index}");

    public static GpuInfo Rtx3090(int index, long freeMb) => new(index, "NVIDIA GeForce RTX 3090", 24_576, freeMb, $"GPU-3090-{index}");

    public static GpuInfo A4000(int index, long freeMb) => new(index, "NVIDIA RTX A4000", 16_376, freeMb, $"GPU-A4000-{index}");

    public static WorkerProfile GpuBox1 { get; } = new("gpu-box-1", "gpu-box-1")
    {
        Concurrency = 2,
        Labels = ["region=eu", "tier=fast"],
        Models = ["sd_xl_base_1.0.safetensors", "sd_xl_refiner_1.0.safetensors", "juggernautXL_v9.safetensors", "4x-UltraSharp.pth"],
        Gpus = [Rtx4090(0, 6_420), Rtx4090(1, 9_870)],
    };

    public static WorkerProfile GpuBox2 { get; } = new("gpu-box-2", "gpu-box-2")
    {
        Concurrency = 1,
        Labels = ["region=eu"],
        Models = ["v1-5-pruned-emaonly.safetensors", "sd_xl_base_1.0.safetensors", "RealESRGAN_x4plus.pth"],
        Gpus = [Rtx3090(0, 13_950)],
    };

    public static WorkerProfile Studio { get; } = new("studio-a4000", "studio-a4000 (office)")
    {
        Concurrency = 1,
        Queues = ["thumbnails", "tts"],
        Labels = ["region=us", "site=office"],
        Models = ["whisper-large-v3", "xtts_v2", "v1-5-pruned-emaonly.safetensors", "sd_turbo.safetensors", "controlnet_canny.safetensors",
            "ip-adapter_sdxl.safetensors", "vae-ft-mse-840000.safetensors", "taesd_decoder.pth"],
        Gpus = [A4000(0, 11_200)],
    };
}
