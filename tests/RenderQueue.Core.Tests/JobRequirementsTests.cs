using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Tests;

public sealed class JobRequirementsTests
{
    private static readonly WorkerCapabilities Worker = new(["region=eu", "nvme"], ["SDXL.safetensors", "flux-dev.safetensors"], 20_000);

    [Fact]
    public void No_requirements_are_met_by_any_worker() =>
        Assert.True(JobRequirements.None.IsMetBy(WorkerCapabilities.Bare));

    [Fact]
    public void Every_label_and_model_must_be_present()
    {
        Assert.True(new JobRequirements(["nvme"], ["sdxl.safetensors"]).IsMetBy(Worker));
        Assert.False(new JobRequirements(["nvme", "region=us"]).IsMetBy(Worker));
        Assert.False(new JobRequirements(Models: ["sd3.safetensors"]).IsMetBy(Worker));
        Assert.False(new JobRequirements(["NVME"]).IsMetBy(Worker));
    }

    [Fact]
    public void Free_vram_must_reach_the_minimum_and_unknown_vram_never_does()
    {
        Assert.True(new JobRequirements(MinVramMb: 20_000).IsMetBy(Worker));
        Assert.False(new JobRequirements(MinVramMb: 20_001).IsMetBy(Worker));
        Assert.False(new JobRequirements(MinVramMb: 1).IsMetBy(WorkerCapabilities.Bare));
    }
}
