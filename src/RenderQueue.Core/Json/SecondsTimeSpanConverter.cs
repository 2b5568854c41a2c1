using System.Text.Json;
using System.Text.Json.Serialization;

namespace RenderQueue.Core.Json;

/// <summary>Durations travel as a number of seconds (<c>"timeout": 3600</c>, <c>"eta": 12.5</c>).</summary>
public sealed class SecondsTimeSpanConverter : JsonConverter<TimeSpan>
{
    private const double MaxSeconds = 10 * 365 * 24 * 3600.0;

    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var seconds))
            throw new JsonException("A duration must be a number of seconds.");
        if (double.IsNaN(seconds) || seconds < 0 || seconds > MaxSeconds)
            throw new JsonException($"A duration must be between 0 and {MaxSeconds:0} seconds.");
        return TimeSpan.FromSeconds(seconds);
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(Math.Round(value.TotalSeconds, 3));
}
