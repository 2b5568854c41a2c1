using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RenderQueue.Cli.Payloads;

/// <summary>
/// A payload with holes where <c>--vary</c> puts each job's values, compiled once into the bytes between the holes,
/// so making job 73,512 is copying those bytes and writing two values — not cloning and re-serializing a workflow.
/// </summary>
internal sealed class PayloadTemplate
{
    private const string SlotPrefix = "\"__renderq_slot_";

    private readonly byte[][] _segments;
    private readonly (FieldVariation Variation, bool Number)[] _holes;

    private PayloadTemplate(byte[][] segments, (FieldVariation, bool)[] holes)
    {
        _segments = segments;
        _holes = holes;
    }

    /// <summary>Bytes of the payload without its varying values: what the request size is mostly made of.</summary>
    public int FixedLength => _segments.Sum(s => s.Length);

    /// <exception cref="UsageException">A variation matches no field of the payload.</exception>
    public static PayloadTemplate Compile(JsonNode payload, IReadOnlyList<FieldVariation> variations)
    {
        var template = payload.DeepClone();
        var nonce = Guid.NewGuid().ToString("N");
        var slots = new List<(FieldVariation, bool)>();
        foreach (var variation in variations)
        {
            foreach (var path in variation.Locate(template))
            {
                if (!variation.UsesIndex)
                {
                    path.Set(template, variation.ConstantValue());
                    continue;
                }
                var existing = path.Get(template);
                var number = variation.IsIndexOnly && (existing is null || existing.GetValueKind() == JsonValueKind.Number);
                path.Set(template, JsonValue.Create(string.Create(CultureInfo.InvariantCulture, $"__renderq_slot_{slots.Count}_{nonce}__")));
                slots.Add((variation, number));
            }
        }

        // Cut the serialized template at each slot marker (markers appear in document order, not slot order).
        var bytes = JsonSerializer.SerializeToUtf8Bytes(template);
        var segments = new List<byte[]>();
        var holes = new List<(FieldVariation, bool)>();
        var prefix = Encoding.UTF8.GetBytes(SlotPrefix);
        var suffix = Encoding.UTF8.GetBytes($"_{nonce}__\"");
        var from = 0;
        while (true)
        {
            var at = bytes.AsSpan(from).IndexOf(prefix);
            if (at < 0) break;
            at += from;
            var end = bytes.AsSpan(at).IndexOf(suffix) + at;
            var slot = int.Parse(Encoding.UTF8.GetString(bytes, at + prefix.Length, end - at - prefix.Length), CultureInfo.InvariantCulture);
            segments.Add(bytes[from..at]);
            holes.Add(slots[slot]);
            from = end + suffix.Length;
        }
        segments.Add(bytes[from..]);
        return new PayloadTemplate([.. segments], [.. holes]);
    }

    /// <summary>The payload of job <paramref name="index"/>.</summary>
    public JsonElement Render(long index)
    {
        var buffer = new ArrayBufferWriter<byte>(FixedLength + 64 * _holes.Length);
        for (var i = 0; i < _holes.Length; i++)
        {
            buffer.Write(_segments[i]);
            var (variation, number) = _holes[i];
            var text = variation.Render(index);
            if (number && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                var written = value.TryFormat(buffer.GetSpan(20), out var count, default, CultureInfo.InvariantCulture) ? count : 0;
                buffer.Advance(written);
            }
            else
            {
                buffer.Write("\""u8);
                buffer.Write(JsonEncodedText.Encode(text).EncodedUtf8Bytes);
                buffer.Write("\""u8);
            }
        }
        buffer.Write(_segments[^1]);
        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }
}
