using System.Net;

namespace RenderQueue.Server.Auth;

/// <summary>
/// Whether a request comes straight from a program on this machine, which is all a server without keys answers.
/// A loopback peer is not enough: a reverse proxy on the same host makes every request look local (it adds
/// forwarding headers), and a web page in a local browser can reach localhost by cross-site requests or by DNS
/// rebinding (it sends <c>Origin</c> or <c>Sec-Fetch-Site</c>, or a <c>Host</c> that is not a loopback name).
/// </summary>
internal static class LocalRequest
{
    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP"];

    /// <summary>Null when the request is direct and local; otherwise why it is not.</summary>
    public static string? WhyNotDirect(HttpContext context)
    {
        var request = context.Request;
        if (context.Connection.RemoteIpAddress is not { } remote || !IsLoopback(remote))
            return "it does not come from this machine";
        if (ForwardingHeaders.FirstOrDefault(h => request.Headers.ContainsKey(h)) is { } forwarded)
            return $"it was forwarded by a proxy ({forwarded})";
        if (!IsLoopbackHost(request.Host.Host))
            return $"its Host '{request.Host.Host}' is not a loopback name";
        if (request.Headers.Origin is [{ } origin, ..] && !IsSameLoopbackOrigin(origin, request))
            return $"it was sent by a web page from {origin}";
        if (request.Headers["Sec-Fetch-Site"] is [{ } site, ..] && site is not ("same-origin" or "none"))
            return $"a browser sent it from another site (Sec-Fetch-Site: {site})";
        return null;
    }

    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address) || address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4());

    /// <summary><c>localhost</c> (and names under it) or a loopback address.</summary>
    public static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || IPAddress.TryParse(host.Trim('[', ']'), out var address) && IsLoopback(address);

    private static bool IsSameLoopbackOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && IsLoopbackHost(uri.Host)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
