using System.Text.Json;

namespace RenderQueue.Worker.ComfyUI;

/// <summary>One WebSocket text message, <c>{"type": …, "data": {…}}</c>, or the connection's own note that the socket dropped.</summary>
internal sealed record ComfyUIEvent(string Type, JsonElement Data, string ClientId)
{
    /// <summary>Not a ComfyUI type: the socket with <see cref="ClientId"/> closed, so later events for its prompts are lost.</summary>
    public const string SocketDropped = "renderqueue.socket_dropped";

    public string? PromptId => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("prompt_id", out var id)
        && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    /// <summary>For <c>executing</c>: the node now running, or null when the prompt is done.</summary>
    public string? Node => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("node", out var node)
        && node.ValueKind == JsonValueKind.String ? node.GetString() : null;

    public static ComfyUIEvent Dropped(string clientId) => new(SocketDropped, default, clientId);
}
