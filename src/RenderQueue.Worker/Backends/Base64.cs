using RenderQueue.Worker.Runtime.Runners;

namespace RenderQueue.Worker.Backends;

/// <summary>Base64 from payloads and from A1111, which may carry a <c>data:image/png;base64,</c> prefix.</summary>
internal static class Base64
{
    public static byte[] Decode(string text, string what)
    {
        var comma = text.StartsWith("data:", StringComparison.Ordinal) ? text.IndexOf(',', StringComparison.Ordinal) : -1;
        var body = comma >= 0 ? text[(comma + 1)..] : text;
        try
        {
            return Convert.FromBase64String(body);
        }
        catch (FormatException)
        {
            throw JobFailedException.InvalidInput($"The data of {what} is not valid base64.");
        }
    }
}
