using System.Text.Json;
using System.Text.Json.Serialization;

namespace RenderQueue.Core.Json;

/// <summary>The one JSON shape of RenderQueue: snake_case names and enums, durations in seconds.</summary>
public static class RenderQueueJson
{
    /// <summary>Options used by the server, the client, the stores and the tools.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The same shape without null members: how stores keep jobs and events at rest.</summary>
    public static JsonSerializerOptions Compact { get; } = CreateCompact();

    /// <summary>Applies RenderQueue's conventions to <paramref name="options"/> (e.g. ASP.NET's own instance).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.PropertyNameCaseInsensitive = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.MaxDepth = 64;
        options.Converters.Add(new JobStateJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new SecondsTimeSpanConverter());
    }

    private static JsonSerializerOptions CreateCompact()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
