using System.Text;
using System.Text.Json.Nodes;

namespace RenderQueue.Cli.Payloads;

/// <summary>
/// A place in a JSON document: member names and array indexes from the root. Written as a small JSONPath subset:
/// <c>$.3.inputs.seed</c>, <c>$['3'].inputs['filename_prefix']</c>, <c>$.request.prompts[0]</c>.
/// </summary>
internal sealed record FieldPath(IReadOnlyList<object> Segments)
{
    public override string ToString()
    {
        var text = new StringBuilder("$");
        foreach (var segment in Segments)
        {
            if (segment is int index) text.Append('[').Append(index).Append(']');
            else text.Append("['").Append(((string)segment).Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
        }
        return text.ToString();
    }

    /// <exception cref="UsageException">Not a path of this subset.</exception>
    public static FieldPath Parse(string text)
    {
        if (!text.StartsWith('$')) throw Bad(text, "it must start with $");
        var segments = new List<object>();
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var end = text.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = text.Length;
                if (end == i + 1) throw Bad(text, "a '.' must be followed by a name");
                segments.Add(text[(i + 1)..end]);
                i = end;
            }
            else if (text[i] == '[' && i + 1 < text.Length && text[i + 1] is '\'' or '"')
            {
                var quote = text[i + 1];
                var end = text.IndexOf(quote + "]", i + 2, StringComparison.Ordinal);
                if (end < 0) throw Bad(text, $"unclosed [{quote}");
                segments.Add(text[(i + 2)..end]);
                i = end + 2;
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                if (end < 0 || !int.TryParse(text.AsSpan(i + 1, end - i - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                    throw Bad(text, "[…] holds an array index or a quoted name");
                segments.Add(index);
                i = end + 1;
            }
            else
            {
                throw Bad(text, $"unexpected '{text[i]}' at {i}");
            }
        }
        if (segments.Count == 0) throw Bad(text, "it names no field");
        return new FieldPath(segments);
    }

    /// <summary>The parent of the field, or null when the path does not lead there.</summary>
    public JsonNode? Parent(JsonNode root)
    {
        var node = root;
        foreach (var segment in Segments.Take(Segments.Count - 1))
        {
            node = segment switch
            {
                int index when node is JsonArray array && index < array.Count => array[index],
                string name when node is JsonObject obj => obj[name],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>The field's value (null when absent or JSON null).</summary>
    public JsonNode? Get(JsonNode root) => Parent(root) switch
    {
        JsonObject obj when Segments[^1] is string name => obj[name],
        JsonArray array when Segments[^1] is int index && index < array.Count => array[index],
        _ => null,
    };

    /// <summary>Sets the field (adding a missing member); false when its parent is not there.</summary>
    public bool Set(JsonNode root, JsonNode? value)
    {
        switch (Parent(root))
        {
            case JsonObject obj when Segments[^1] is string name:
                obj[name] = value;
                return true;
            case JsonArray array when Segments[^1] is int index && index < array.Count:
                array[index] = value;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Every member named <paramref name="name"/>, at any depth.</summary>
    public static IEnumerable<FieldPath> FindAll(JsonNode root, string name)
    {
        var found = new List<FieldPath>();
        void Walk(JsonNode? node, List<object> path)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        path.Add(key);
                        if (string.Equals(key, name, StringComparison.Ordinal)) found.Add(new FieldPath([.. path]));
                        else Walk(value, path);
                        path.RemoveAt(path.Count - 1);
                    }
                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        path.Add(i);
                        Walk(array[i], path);
                        path.RemoveAt(path.Count - 1);
                    }
                    break;
            }
        }
        Walk(root, []);
        return found;
    }

    private static UsageException Bad(string text, string why) => new($"'{text}' is not a field path ({why}); write e.g. $.3.inputs.seed or $['3'].inputs.seed.");
}
