using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Tests;

public sealed class WorkflowModelsTests
{
    [Fact]
    public void Loader_nodes_name_the_models_in_node_order_once_each()
    {
        var workflow = Parse("""
            {
              "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl_base.safetensors"}},
              "10": {"class_type": "LoraLoader", "inputs": {"lora_name": "ink.safetensors", "model": ["4", 0], "strength_model": 1}},
              "11": {"class_type": "LoraLoader", "inputs": {"lora_name": "INK.safetensors", "model": ["10", 0]}},
              "3": {"class_type": "KSampler", "inputs": {"seed": 5, "model": ["11", 0]}}
            }
            """);

        Assert.Equal(["sdxl_base.safetensors", "ink.safetensors"], WorkflowModels.Of(workflow));
    }

    [Theory]
    [InlineData("""{"workflow": {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux1-dev.safetensors"}}}, "inputs": []}""")]
    [InlineData("""{"prompt": {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux1-dev.safetensors"}}}}""")]
    public void Wrapped_workflows_are_read_too(string payload) =>
        Assert.Equal(["flux1-dev.safetensors"], WorkflowModels.Of(Parse(payload)));

    [Theory]
    [InlineData("""[1, 2]""")]
    [InlineData("""{"prompt": "a cat"}""")]
    [InlineData("""{"3": {"class_type": "KSampler", "inputs": {"ckpt_name": ["4", 0]}}}""")]
    public void Anything_else_names_none(string payload) => Assert.Empty(WorkflowModels.Of(Parse(payload)));

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
