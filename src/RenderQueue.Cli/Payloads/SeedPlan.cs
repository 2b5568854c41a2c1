using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RenderQueue.Core.Api;

namespace RenderQueue.Cli.Payloads;

/// <summary>
/// A render set: jobs <c>Start … Start+Count-1</c> made from one template. Job <c>i</c> has idempotency key
/// <c>{set}:{i}</c> (so running the seed again returns the jobs already there instead of adding more) and metadata
/// <c>{"set": …, "index": i}</c> over the template's own.
/// </summary>
internal sealed partial class SeedPlan(SubmitJobRequest template, PayloadTemplate payload, string set, long start, int count)
{
    /// <summary>Leaves room in a 200-character idempotency key for <c>:</c> and the index.</summary>
    public const int MaxSetNameLength = 150;

    public string Set { get; } = set;
    public long Start { get; } = start;
    public int Count { get; } = count;

    /// <summary>Roughly how many bytes one job adds to a batch request.</summary>
    public int ApproximateJobBytes => payload.FixedLength + 256;

    public SubmitJobRequest Job(long index) => template with
    {
        Payload = payload.Render(index),
        IdempotencyKey = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Set}:{index}"),
        Metadata = Metadata(index),
    };

    private JsonElement Metadata(long index)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (template.Metadata is { ValueKind: JsonValueKind.Object } own)
            {
                foreach (var member in own.EnumerateObject())
                {
                    if (member.Name is not ("set" or "index")) member.WriteTo(writer);
                }
            }
            writer.WriteString("set", Set);
            writer.WriteNumber("index", index);
            writer.WriteEndObject();
        }
        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>
    /// A set name for a template: its file name and a hash of what makes the jobs (template, type, queue, variations),
    /// so the same seed command names the same set every time and a changed one a new set.
    /// </summary>
    public static string DefaultSetName(string templateFile, string templateText, SubmitJobRequest request, IEnumerable<string> variations)
    {
        var identity = string.Join('\n', [templateText, request.Type ?? "", request.Queue ?? "", .. variations]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..12];
        var stem = NotSetName().Replace(Path.GetFileNameWithoutExtension(templateFile), "-").Trim('-');
        if (stem.Length > 64) stem = stem[..64];
        return stem.Length == 0 ? hash : $"{stem}-{hash}";
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]+")]
    private static partial Regex NotSetName();
}
