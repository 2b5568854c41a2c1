using System.Text.Json;

namespace RenderQueue.Client;

/// <summary>Reads the <c>id</c> of each job in <c>{"items": [job, …]}</c>, skipping everything else unparsed.</summary>
internal static class JobIdScanner
{
    public static IReadOnlyList<string> ReadItemIds(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var ids = new List<string>();
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isItems = reader.ValueTextEquals("items"u8);
            reader.Read();
            if (!isItems)
            {
                reader.Skip();
                continue;
            }
            if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("'items' is not an array.");
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                string? id = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals("id"u8);
                    reader.Read();
                    if (isId) id = reader.GetString();
                    else reader.Skip();
                }
                ids.Add(id ?? throw new JsonException("A job in the answer has no id."));
            }
        }
        return ids;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type) throw new JsonException($"Expected {type} in the server's answer.");
    }
}
