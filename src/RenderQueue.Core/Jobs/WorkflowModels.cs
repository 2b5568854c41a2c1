using System.Text.Json;

namespace RenderQueue.Core.Jobs;

/// <summary>
/// The models a ComfyUI workflow loads, read from its loader nodes: what warm-model affinity matches against the
/// models a backend has loaded. The server reads them from a job's payload at submit; the worker reads them from the
/// workflow a backend last ran, as what that backend now has warm. They steer placement only: a job's hard
/// requirement stays <c>requirements.models</c>.
/// </summary>
public static class WorkflowModels
{
    /// <summary>The model inputs of ComfyUI's built-in loader nodes (custom loaders usually reuse these names).</summary>
    private static readonly string[] ModelInputs =
        ["ckpt_name", "lora_name", "unet_name", "vae_name", "clip_name", "clip_name1", "clip_name2", "control_net_name", "model_name", "upscale_model_name"];

    /// <summary>At most this many names: a workflow is submitted by a client and its size is the client's choice.</summary>
    private const int MaxModels = 32;

    /// <summary>
    /// The distinct model file names a workflow's loader nodes name, in node order. <paramref name="payload"/> is a
    /// <c>comfyui</c> job's payload: a bare API-format workflow or <c>{"workflow"|"prompt": {…}, …}</c>. Anything else
    /// gives none: this never refuses a payload, the runner does.
    /// </summary>
    public static IReadOnlyList<string> Of(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object) return [];
        var workflow = payload.TryGetProperty("workflow", out var w) && w.ValueKind == JsonValueKind.Object ? w
            : payload.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.Object ? p
            : payload;
        var models = new List<string>();
        foreach (var node in workflow.EnumerateObject())
        {
            if (node.Value.ValueKind != JsonValueKind.Object
                || !node.Value.TryGetProperty("class_type", out var type) || type.ValueKind != JsonValueKind.String
                || !node.Value.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Object) continue;
            foreach (var input in ModelInputs)
            {
                if (inputs.TryGetProperty(input, out var value) && value.ValueKind == JsonValueKind.String
                    && value.GetString() is { Length: > 0 and <= 256 } name
                    && !models.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    models.Add(name);
                    if (models.Count == MaxModels) return models;
                }
            }
        }
        return models;
    }
}
