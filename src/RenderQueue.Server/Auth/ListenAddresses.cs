using System.Net;

namespace RenderQueue.Server.Auth;

/// <summary>
/// Where the server is configured to listen, read the way Kestrel reads it (<c>urls</c> / <c>--urls</c> /
/// <c>ASPNETCORE_URLS</c>, <c>http_ports</c> / <c>https_ports</c>, <c>Kestrel:Endpoints:*:Url</c>), and whether each
/// address is loopback only. Anything that is not <c>localhost</c> or a loopback IP (<c>*</c>, <c>+</c>,
/// <c>0.0.0.0</c>, <c>[::]</c>, a host name, a LAN address) reaches the network.
/// </summary>
internal static class ListenAddresses
{
    /// <summary>Kestrel's own default when nothing is configured.</summary>
    private const string KestrelDefault = "http://localhost:5000";

    public static IReadOnlyList<string> Configured(IConfiguration configuration)
    {
        var addresses = new List<string>();
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url) addresses.Add(url);
        }
        if (addresses.Count > 0) return addresses; // Kestrel's endpoints override urls
        addresses.AddRange(Split(configuration["urls"]));
        if (addresses.Count > 0) return addresses;
        addresses.AddRange(Split(configuration["http_ports"]).Select(port => $"http://*:{port}"));
        addresses.AddRange(Split(configuration["https_ports"]).Select(port => $"https://*:{port}"));
        return addresses.Count > 0 ? addresses : [KestrelDefault];
    }

    /// <summary>True when the address accepts connections from this machine only.</summary>
    public static bool IsLoopback(string address)
    {
        var text = address.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return false;
        var rest = text[(scheme + 3)..];
        var end = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = end < 0 ? rest : rest[..end];
        string host;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) return false;
            host = authority[1..close];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
        }
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || IPAddress.TryParse(host, out var ip) && LocalRequest.IsLoopback(ip);
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
