using System.Text.Json;
using RenderQueue.Worker.Runtime.Runners;

namespace RenderQueue.Worker.A1111;

/// <summary>
/// The <c>a1111</c> payload: <c>{"mode": "txt2img" | "img2img", "request": {…}}</c>, where <c>request</c> is the body
/// of <c>POST /sdapi/v1/txt2img</c> or <c>/img2img</c>, passed through unchanged. <c>mode</c> defaults to
/// <c>txt2img</c>.
/// </summary>
internal sealed record A1111Payload(string Mode, JsonElement Request)
{
    public static A1111Payload Parse(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            throw JobFailedException.InvalidInput("The a1111 payload must be an object: {\"mode\": \"txt2img\", \"request\": {…}}.");
        foreach (var property in payload.EnumerateObject())
        {
            if (property.Name is not ("mode" or "request"))
                throw JobFailedException.InvalidInput($"Unknown field '{property.Name}' in the a1111 payload; expected 'mode' and 'request'.");
        }
        var mode = "txt2img";
        if (payload.TryGetProperty("mode", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            mode = m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
            if (mode is not ("txt2img" or "img2img")) throw JobFailedException.InvalidInput("'mode' must be \"txt2img\" or \"img2img\".");
        }
        if (!payload.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object)
            throw JobFailedException.InvalidInput("'request' must be the A1111 request body, an object such as {\"prompt\": \"a cat\", \"steps\": 20}.");
        return new A1111Payload(mode, request);
    }
}
