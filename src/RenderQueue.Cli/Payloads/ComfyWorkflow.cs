using System.Text.Json.Nodes;

namespace RenderQueue.Cli.Payloads;

/// <summary>Recognises ComfyUI workflows: the API format a <c>comfyui</c> job runs, and the UI format it does not.</summary>
internal static class ComfyWorkflow
{
    /// <summary>
    /// The API format ("Export (API)"): an object of nodes, each with a <c>class_type</c>; or that wrapped as
    /// <c>{"workflow": …, "inputs": […]}</c> (<c>"prompt"</c> for <c>"workflow"</c>), as the comfyui runner accepts.
    /// </summary>
    public static bool IsApiFormat(JsonNode? node) => Nodes(node) is not null;

    /// <summary>The object of nodes of an API-format workflow (bare or wrapped); null for anything else.</summary>
    public static JsonObject? Nodes(JsonNode? node)
    {
        if (node is not JsonObject root || root.Count == 0) return null;
        if (IsNodeMap(root)) return root;
        var wrapped = root["workflow"] ?? root["prompt"];
        var onlyWrapperMembers = root.All(p => p.Key is "workflow" or "prompt" or "inputs");
        return onlyWrapperMembers && wrapped is JsonObject nodes && nodes.Count > 0 && IsNodeMap(nodes) ? nodes : null;
    }

    /// <summary>What ComfyUI's "Save" writes (<c>nodes</c> and <c>links</c> arrays): not runnable by the API.</summary>
    public static bool IsUiFormat(JsonNode? node) => node is JsonObject root && root["nodes"] is JsonArray && root["links"] is JsonArray;

    private static bool IsNodeMap(JsonObject nodes) =>
        nodes.All(p => p.Value is JsonObject node && node["class_type"] is JsonValue type && type.TryGetValue<string>(out _));
}
