using System.Text.Json;
using RenderQueue.Core.Json;

namespace RenderQueue.Cli.Output;

/// <summary><c>--json</c>: exactly the API's JSON (snake_case, seconds, ISO 8601 times), indented.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new(RenderQueueJson.Options) { WriteIndented = true };

    public static void Write<T>(TextWriter writer, T value)
    {
        writer.WriteLine(JsonSerializer.Serialize(value, Options));
        writer.Flush();
    }
}
