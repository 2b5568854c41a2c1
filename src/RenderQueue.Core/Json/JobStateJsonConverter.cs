using System.Text.Json;
using System.Text.Json.Serialization;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Json;

/// <summary>
/// A state by its wire name (<see cref="JobStates.ToWire"/>), so a state without an enum member, which a store
/// may keep (<see cref="Storage.JobStoreOptions.States"/>), is written and read back instead of failing the job.
/// </summary>
internal sealed class JobStateJsonConverter : JsonConverter<JobState>
{
    public override JobState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && JobStates.TryParseStored(reader.GetString(), out var state)
            ? state
            : throw new JsonException($"Not a job state: {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, JobState value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToWire());
}
