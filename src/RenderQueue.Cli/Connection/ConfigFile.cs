using System.Text.Json;

namespace RenderQueue.Cli;

/// <summary>
/// <c>~/.config/renderq/config.json</c> (or <c>$XDG_CONFIG_HOME/renderq/config.json</c>):
/// <c>{"server": "http://gpu-hub:8000", "key": "…"}</c>. Both members are optional; anything else is refused, so a
/// typo does not silently send jobs to the wrong server.
/// </summary>
public sealed record ConfigFile(string Path, string? Server, string? Key)
{
    /// <summary>Where the config file is for this host; null without a home folder.</summary>
    public static string? PathFor(CliHost host)
    {
        var configHome = host.Environment("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(configHome))
        {
            if (string.IsNullOrEmpty(host.HomeDirectory)) return null;
            configHome = System.IO.Path.Combine(host.HomeDirectory, ".config");
        }
        return System.IO.Path.Combine(configHome, "renderq", "config.json");
    }

    /// <summary>The config file, or null when there is none.</summary>
    /// <exception cref="UsageException">It exists but cannot be read or is not the expected JSON.</exception>
    public static ConfigFile? Load(CliHost host)
    {
        var path = PathFor(host);
        if (path is null || !File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new UsageException($"{path} must hold a JSON object like {{\"server\": \"http://gpu-hub:8000\"}}.");
            string? server = null, key = null;
            foreach (var member in document.RootElement.EnumerateObject())
            {
                var value = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()
                    : throw new UsageException($"{path}: '{member.Name}' must be a string.");
                switch (member.Name)
                {
                    case "server": server = value; break;
                    case "key": key = value; break;
                    default: throw new UsageException($"{path}: unknown setting '{member.Name}'; the settings are 'server' and 'key'.");
                }
            }
            return new ConfigFile(path, server, key);
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path} is not valid JSON: {e.Message}");
        }
        catch (IOException e)
        {
            throw new UsageException($"Cannot read {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"Cannot read {path}: {e.Message}");
        }
    }
}
