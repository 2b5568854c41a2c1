using System.Text.Json;

namespace RenderQueue.Server.Errors;

/// <summary>Words for JSON errors: which field (from the JSON path) and what was wrong, without .NET type names.</summary>
internal static class JsonPaths
{
    /// <summary><c>$.requirements.min_vram_mb</c> → <c>requirements.min_vram_mb</c>; the root → <c>$</c>.</summary>
    public static string ToField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "$";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    public static string Describe(JsonException e)
    {
        var message = e.Message;
        // System.Text.Json appends "Path: … | LineNumber: … | BytePositionInLine: …"; the path travels separately.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        const string Unmapped = "The JSON property '";
        if (message.StartsWith(Unmapped, StringComparison.Ordinal) && message.IndexOf('\'', Unmapped.Length) is var end and > 0)
            return $"Unknown field '{message[Unmapped.Length..end]}'.";
        if (message.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
            return $"The value of '{ToField(e.Path)}' has the wrong type.";
        return e.LineNumber is { } line
            ? FormattableString.Invariant($"{message} (line {line + 1}, byte {e.BytePositionInLine + 1})")
            : message;
    }
}
