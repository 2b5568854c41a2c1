using System.Text.Json;
using System.Text.Json.Serialization;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Core.Json;

/// <summary>Writes every state by its wire name (0 when none), then <c>total</c>; reads the names back.</summary>
internal sealed class StateCountsJsonConverter : JsonConverter<StateCounts>
{
    private const string TotalName = "total";

    public override StateCounts Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("State counts must be an object.");
        var counts = new Dictionary<JobState, long>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            var count = reader.GetInt64();
            // A state this build does not know (a newer server's) is skipped, as any unknown member would be.
            if (JobStates.TryParseStored(name, out var state)) counts[state] = count;
        }
        if (reader.TokenType != JsonTokenType.EndObject) throw new JsonException("Unterminated state counts.");
        return new StateCounts(counts);
    }

    public override void Write(Utf8JsonWriter writer, StateCounts value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var state in value.States) writer.WriteNumber(state.ToWire(), value.Of(state));
        writer.WriteNumber(TotalName, value.Total);
        writer.WriteEndObject();
    }
}
