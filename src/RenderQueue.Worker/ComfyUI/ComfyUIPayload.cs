using System.Text.Json;
using System.Text.Json.Nodes;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Api;
using RenderQueue.Worker.Backends;

namespace RenderQueue.Worker.ComfyUI;

/// <summary>
/// The <c>comfyui</c> payload. Either a bare API-format workflow (<c>{"3": {"class_type": "KSampler", …}, …}</c>, as
/// "Export (API)" saves it), or <c>{"workflow": {…}, "inputs": [{"name": "cat.png", "data": "&lt;base64&gt;"}]}</c>
/// when input images must be uploaded first (<c>"prompt"</c> is accepted for <c>"workflow"</c>, the name ComfyUI's
/// own <c>POST /prompt</c> body uses). Inputs are uploaded with <c>/upload/image</c>; the workflow refers to them by
/// name, e.g. <c>LoadImage.inputs.image = "cat.png"</c>.
/// </summary>
internal sealed record ComfyUIPayload(JsonObject Workflow, IReadOnlyList<ComfyUIInput> Inputs)
{
    public static ComfyUIPayload Parse(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            throw JobFailedException.InvalidInput("The comfyui payload must be a JSON object: an API-format workflow, or {\"workflow\": …, \"inputs\": […]}.");

        JsonElement workflow;
        var inputs = new List<ComfyUIInput>();
        if (IsWrapped(payload, out var wrapped))
        {
            workflow = wrapped;
            foreach (var property in payload.EnumerateObject())
            {
                if (property.Name is not ("workflow" or "prompt" or "inputs"))
                    throw JobFailedException.InvalidInput($"Unknown field '{property.Name}' in the comfyui payload; expected 'workflow' and optionally 'inputs'.");
            }
            if (payload.TryGetProperty("inputs", out var list) && list.ValueKind != JsonValueKind.Null) inputs.AddRange(ParseInputs(list));
        }
        else
        {
            workflow = payload;
        }

        if (workflow.ValueKind != JsonValueKind.Object || !workflow.EnumerateObject().Any())
            throw JobFailedException.InvalidInput("The workflow must be a non-empty object of nodes in ComfyUI's API format.");
        foreach (var node in workflow.EnumerateObject())
        {
            if (node.Value.ValueKind != JsonValueKind.Object || !node.Value.TryGetProperty("class_type", out var type) || type.ValueKind != JsonValueKind.String)
                throw JobFailedException.InvalidInput($"Node '{node.Name}' has no class_type: is this the API format (Export (API)) rather than the UI format?");
        }
        return new ComfyUIPayload(JsonNode.Parse(workflow.GetRawText())!.AsObject(), inputs);
    }

    /// <summary>The class of each node, for progress messages such as <c>KSampler #3</c>.</summary>
    public string Describe(string nodeId) =>
        Workflow[nodeId]?["class_type"]?.GetValue<string>() is { } type ? $"{type} #{nodeId}" : $"node {nodeId}";

    /// <summary>Points every input that named <paramref name="original"/> at the name ComfyUI stored the upload under.</summary>
    public void Rename(string original, string stored)
    {
        if (string.Equals(original, stored, StringComparison.Ordinal)) return;
        foreach (var (_, node) in Workflow)
        {
            if (node?["inputs"] is not JsonObject nodeInputs) continue;
            foreach (var key in nodeInputs.Select(p => p.Key).ToList())
            {
                if (nodeInputs[key] is JsonValue value && value.TryGetValue<string>(out var text) && string.Equals(text, original, StringComparison.Ordinal))
                    nodeInputs[key] = stored;
            }
        }
    }

    private static bool IsWrapped(JsonElement payload, out JsonElement workflow)
    {
        workflow = default;
        if (payload.EnumerateObject().Any(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("class_type", out _))) return false;
        return payload.TryGetProperty("workflow", out workflow) || payload.TryGetProperty("prompt", out workflow);
    }

    private static IEnumerable<ComfyUIInput> ParseInputs(JsonElement list)
    {
        if (list.ValueKind != JsonValueKind.Array) throw JobFailedException.InvalidInput("'inputs' must be an array of {\"name\", \"data\"}.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            var data = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            if (name is null || data is null) throw JobFailedException.InvalidInput("Each input needs a string 'name' and base64 'data'.");
            if (!ArtifactNames.IsValid(name) || !names.Add(name)) throw JobFailedException.InvalidInput($"Input name '{name}' must be a unique plain file name.");
            yield return new ComfyUIInput(name, Base64.Decode(data, $"input '{name}'"));
        }
    }
}

/// <summary>An input image to upload before the prompt runs.</summary>
internal sealed record ComfyUIInput(string Name, byte[] Data);
