using System.Text.Json;
using System.Text.Json.Nodes;

namespace RenderQueue.Cli.Payloads;

/// <summary>
/// <c>--metadata key=value</c>: the value is JSON when it reads as JSON (<c>seed=42</c>, <c>nsfw=false</c>,
/// <c>traits={"hat":"red"}</c>), a string otherwise (<c>title=red hat</c>).
/// </summary>
internal static class MetadataPairs
{
    /// <summary>The file's metadata (an object, or none) with the pairs set over it; null when both are empty.</summary>
    public static JsonElement? Merge(JsonElement? existing, IReadOnlyList<string> pairs)
    {
        if (pairs.Count == 0) return existing;
        var merged = existing is { ValueKind: JsonValueKind.Object } value ? JsonNode.Parse(value.GetRawText())!.AsObject() : new JsonObject();
        foreach (var pair in pairs)
        {
            var (key, text) = Split(pair, "--metadata");
            merged[key] = Value(text);
        }
        return JsonSerializer.SerializeToElement(merged);
    }

    /// <summary><c>key=value</c> split at the first <c>=</c>.</summary>
    public static (string Key, string Value) Split(string pair, string option)
    {
        var at = pair.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0) throw new UsageException($"{option} takes key=value; got '{pair}'.");
        return (pair[..at], pair[(at + 1)..]);
    }

    /// <summary>JSON when the text is JSON, else the text as a string.</summary>
    public static JsonNode? Value(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
