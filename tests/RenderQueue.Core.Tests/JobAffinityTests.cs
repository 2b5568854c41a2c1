using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Tests;

public sealed class JobAffinityTests
{
    private static readonly JsonElement Workflow = JsonDocument.Parse(
        """{"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl.safetensors"}}}""").RootElement.Clone();

    [Fact]
    public void A_comfyui_job_wants_its_required_and_its_workflow_models_folded_once_each()
    {
        var models = JobAffinity.ModelsOf("comfyui", Workflow, new JobRequirements(Models: ["SDXL.safetensors", "lora.safetensors"]));

        Assert.Equal(["SDXL.SAFETENSORS", "LORA.SAFETENSORS"], models);
    }

    [Fact]
    public void Other_types_want_only_their_required_models()
    {
        Assert.Empty(JobAffinity.ModelsOf("a1111", Workflow, JobRequirements.None));
        Assert.Equal(["WHISPER-LARGE"], JobAffinity.ModelsOf("command", Workflow, new JobRequirements(Models: ["whisper-large"])));
    }

    [Fact]
    public void One_GPU_fits_when_its_total_is_above_and_its_unreserved_VRAM_reaches_the_minimum()
    {
        var job = new JobRequirements(MinVramMb: 20_000, VramAboveMb: 24_564);

        Assert.True(job.FitsGpu(49_140, 20_000));
        Assert.False(job.FitsGpu(49_140, 19_999));
        Assert.False(job.FitsGpu(24_564, 24_564));
        Assert.True(JobRequirements.None.FitsGpu(0, 0));
    }
}
