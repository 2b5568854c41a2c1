using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RenderQueue.Cli.Payloads;

/// <summary>
/// <c>--vary FIELD=VALUE</c> of <c>renderq seed</c>: which field(s) of the template change per job, and to what.
/// </summary>
/// <remarks>
/// FIELD is a name — every ComfyUI node input of that name (e.g. <c>seed</c> sets KSampler's seed; any field of that
/// name at any depth when the template is not a ComfyUI workflow) — or a path such as <c>$.3.inputs.seed</c>.
/// VALUE is a template: <c>{index}</c> is the job's index (<c>{index:000000}</c> zero-pads it) and <c>index</c> alone
/// means <c>{index}</c>. A value that is only the index is written as a number when the field holds a number;
/// anything else is a string; a value without <c>{index}</c> is a constant (JSON when it reads as JSON).
/// </remarks>
internal sealed partial class FieldVariation
{
    private readonly List<(string? Literal, string? Format)> _parts = [];

    private FieldVariation(string field, string value)
    {
        Field = field;
        Value = value;
        var template = value == "index" ? "{index}" : value;
        var at = 0;
        foreach (Match match in Placeholder().Matches(template))
        {
            if (match.Index > at) _parts.Add((template[at..match.Index], null));
            _parts.Add((null, match.Groups["format"].Success ? match.Groups["format"].Value : ""));
            at = match.Index + match.Length;
        }
        if (at < template.Length) _parts.Add((template[at..], null));
        if (template.Replace("{index", "", StringComparison.Ordinal).Contains('{', StringComparison.Ordinal) && !UsesIndex)
            throw new UsageException($"--vary {field}={value}: the placeholder is {{index}} (or {{index:000000}} to zero-pad).");
    }

    public string Field { get; }

    public string Value { get; }

    /// <summary>Whether the value changes with the index (else it is a constant).</summary>
    public bool UsesIndex => _parts.Any(p => p.Format is not null);

    /// <summary>Whether the value is nothing but the index, so it can be a JSON number.</summary>
    public bool IsIndexOnly => _parts.Count == 1 && _parts[0].Format is not null;

    /// <exception cref="UsageException">Not <c>FIELD=VALUE</c>.</exception>
    public static FieldVariation Parse(string text)
    {
        var (field, value) = MetadataPairs.Split(text, "--vary");
        if (field.StartsWith('$')) FieldPath.Parse(field); // refuse a bad path now, before anything is read
        return new FieldVariation(field, value);
    }

    /// <summary>The fields of <paramref name="payload"/> this variation sets; never empty.</summary>
    /// <exception cref="UsageException">It matches nothing, so the jobs would not vary as asked.</exception>
    public IReadOnlyList<FieldPath> Locate(JsonNode payload)
    {
        if (Field.StartsWith('$'))
        {
            var path = FieldPath.Parse(Field);
            return path.Parent(payload) is JsonObject or JsonArray ? [path]
                : throw new UsageException($"--vary {Field}: the template has nothing at {path} to set a field in.");
        }
        var nodes = ComfyWorkflow.Nodes(payload);
        IReadOnlyList<FieldPath> found = nodes is null
            ? [.. FieldPath.FindAll(payload, Field)]
            : [.. FieldPath.FindAll(payload, Field).Where(p => p.Segments.Count >= 3 && Equals(p.Segments[^2], "inputs"))];
        return found.Count > 0 ? found
            : throw new UsageException(nodes is null
                ? $"--vary {Field}: the template has no field named '{Field}'; give a path like $.request.{Field}."
                : $"--vary {Field}: no node of the workflow has an input named '{Field}'; give a path like $.3.inputs.{Field}.");
    }

    /// <summary>The value for job <paramref name="index"/> as text.</summary>
    public string Render(long index)
    {
        if (_parts.Count == 1 && _parts[0].Literal is { } constant) return constant;
        var text = new StringBuilder();
        foreach (var (literal, format) in _parts)
            text.Append(literal ?? index.ToString(format!.Length == 0 ? null : format, CultureInfo.InvariantCulture));
        return text.ToString();
    }

    /// <summary>The value for a constant (no <c>{index}</c>): JSON when it reads as JSON, else a string.</summary>
    public JsonNode? ConstantValue() => MetadataPairs.Value(Value);

    [GeneratedRegex(@"\{index(?::(?<format>[0#.,DdNnXx0-9]+))?\}")]
    private static partial Regex Placeholder();
}
