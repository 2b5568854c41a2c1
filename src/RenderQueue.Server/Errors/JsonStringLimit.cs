using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RenderQueue.Server.Errors;

/// <summary>
/// Checks every JSON string of a request body while it is read, in typed fields and inside free-form JSON (payload,
/// metadata, result, error details; property names too): longer than
/// <see cref="Configuration.LimitsOptions.MaxJsonStringBytes"/> (as sent, escapes included) is refused before the
/// string is allocated, and so is text that is not well-formed Unicode (invalid UTF-8, or an escaped lone
/// surrogate such as <c>"\ud800"</c>), which would otherwise be stored and then fail every attempt to write the job
/// out. The refusal is a <see cref="JsonException"/>, so it becomes a 400 problem naming the field. Nesting is
/// limited separately (depth 64).
/// </summary>
internal static class JsonStringLimit
{
    public static void AddTo(JsonSerializerOptions options, int maxBytes)
    {
        options.Converters.Add(new LimitedStringConverter(maxBytes));
        options.Converters.Add(new LimitedElementConverter(maxBytes));
    }

    /// <summary>Checks the string (or property name) the reader is on; returns it when it had to be decoded.</summary>
    private static string? Check(ref Utf8JsonReader reader, int maxBytes)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > maxBytes)
            throw new JsonException(FormattableString.Invariant($"A string of {length} bytes is longer than the limit of {maxBytes} bytes."));
        if (!reader.ValueIsEscaped)
        {
            var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
            return System.Text.Unicode.Utf8.IsValid(raw) ? null : throw new JsonException(NotUnicode);
        }
        try
        {
            return reader.GetString(); // refuses invalid UTF-8 and escaped lone surrogates
        }
        catch (InvalidOperationException)
        {
            throw new JsonException(NotUnicode);
        }
    }

    private const string NotUnicode = "A string is not well-formed Unicode: invalid UTF-8, or an escaped lone surrogate.";

    private sealed class LimitedStringConverter(int maxBytes) : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("The JSON value could not be converted to System.String.");
            return Check(ref reader, maxBytes) ?? reader.GetString();
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private sealed class LimitedElementConverter(int maxBytes) : JsonConverter<JsonElement>
    {
        public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // The serializer hands a converter the whole value; scan a copy of the reader first, so nothing is
            // kept of a value that is refused.
            var scan = reader;
            if (scan.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                var depth = scan.CurrentDepth;
                while (scan.Read() && scan.CurrentDepth > depth)
                {
                    if (scan.TokenType is JsonTokenType.String or JsonTokenType.PropertyName) Check(ref scan, maxBytes);
                }
            }
            else if (scan.TokenType == JsonTokenType.String)
            {
                Check(ref scan, maxBytes);
            }
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.Clone();
        }

        public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);
    }
}
