using RenderQueue.Client;

namespace RenderQueue.Cli;

/// <summary>Which server <c>renderq</c> talks to and with what key, and where each came from (for error messages).</summary>
/// <param name="Server">The server's address.</param>
/// <param name="ApiKey">Sent as <c>Authorization: Bearer</c>; null for none.</param>
/// <param name="ServerSource">Where the address came from: <c>--server</c>, <c>RENDERQUEUE_URL</c>, the config file, or the default.</param>
public sealed record ServerSettings(Uri Server, string? ApiKey, string ServerSource)
{
    public const string UrlVariable = "RENDERQUEUE_URL";
    public const string KeyVariable = "RENDERQUEUE_KEY";

    /// <summary>The client options for these settings.</summary>
    public RenderQueueClientOptions ToClientOptions() => new() { BaseAddress = Server, ApiKey = ApiKey };

    /// <summary>
    /// Resolves the server and key: a flag wins over an environment variable, which wins over the config file; the
    /// server defaults to <c>http://localhost:8000</c>, the key to none.
    /// </summary>
    /// <exception cref="UsageException">A value is not usable; the message names where it came from.</exception>
    public static ServerSettings Resolve(string? serverFlag, string? keyFlag, CliHost host)
    {
        var config = ConfigFile.Load(host);
        var (server, source) =
            NonEmpty(serverFlag) is { } flag ? (flag, "--server")
            : NonEmpty(host.Environment(UrlVariable)) is { } variable ? (variable, UrlVariable)
            : NonEmpty(config?.Server) is { } configured ? (configured, config!.Path)
            : (RenderQueueClientOptions.DefaultBaseAddress.AbsoluteUri, "the default");
        var key = NonEmpty(keyFlag) ?? NonEmpty(host.Environment(KeyVariable)) ?? NonEmpty(config?.Key);

        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new UsageException($"The server address '{server}' (from {source}) is not an http:// or https:// URL.");
        if (key is not null && key.Any(char.IsWhiteSpace))
            throw new UsageException("The API key contains whitespace; check --key, RENDERQUEUE_KEY or the config file.");
        return new ServerSettings(uri, key, source);
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
