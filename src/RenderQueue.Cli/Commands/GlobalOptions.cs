using System.CommandLine;

namespace RenderQueue.Cli.Commands;

/// <summary>The options every command takes: which server, with which key.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Server { get; } = new("--server", "-s")
    {
        Description = $"The server's URL. Default: ${ServerSettings.UrlVariable}, then the config file, then http://localhost:8000.",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = $"API key, sent as Authorization: Bearer. Default: ${ServerSettings.KeyVariable}, then the config file.",
        Recursive = true,
    };
}
