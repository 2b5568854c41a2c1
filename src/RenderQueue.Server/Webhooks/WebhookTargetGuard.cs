using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using RenderQueue.Server.Configuration;

namespace RenderQueue.Server.Webhooks;

/// <summary>
/// The SSRF guard. Webhook URLs come from API callers, so without it a submit could make the server POST to its own
/// loopback services, the LAN, or a cloud metadata endpoint (169.254.169.254). Addresses that are loopback, private,
/// link-local, unspecified, multicast or reserved are refused unless <see cref="WebhookOptions.AllowedHosts"/> lets
/// them through. The check runs in the HTTP handler's connect callback on the very addresses the socket then
/// connects to, so a name that resolves to a public address when checked and a private one when used (DNS
/// rebinding) cannot get past it. URLs are also checked when they are given, for an early 400 on the obvious cases.
/// </summary>
internal sealed class WebhookTargetGuard
{
    private static readonly (IPNetwork Network, string What)[] Refused =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a shared (carrier-grade NAT) address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (cloud metadata lives here)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("::/96"), "a deprecated IPv4-compatible address"),
        (IPNetwork.Parse("fc00::/7"), "a private (unique local) address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    /// <summary>NAT64 addresses carry an IPv4 address in their last 32 bits; that address is what they reach.</summary>
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    private readonly HashSet<string> _allowedNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _allowedNetworks = [];
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    public WebhookTargetGuard(IOptions<WebhookOptions> options) : this(options.Value.AllowedHosts, Dns.GetHostAddressesAsync)
    {
    }

    /// <param name="allowedHosts">Names, addresses and networks let through.</param>
    /// <param name="resolve">DNS; tests pass one that answers differently each time, as a rebinding attacker would.</param>
    public WebhookTargetGuard(IEnumerable<string> allowedHosts, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        _resolve = resolve;
        foreach (var entry in allowedHosts)
        {
            if (IPNetwork.TryParse(entry, out var network)) _allowedNetworks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) _allowedNetworks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            else _allowedNames.Add(entry);
        }
    }

    /// <summary>An entry of <see cref="WebhookOptions.AllowedHosts"/> must be a host name, an address or a network.</summary>
    public static bool IsValidAllowedHost(string entry) =>
        IPNetwork.TryParse(entry, out _) || IPAddress.TryParse(entry, out _) || Uri.CheckHostName(entry) == UriHostNameType.Dns;

    /// <summary>What makes <paramref name="address"/> an unsafe target, or null for a public address.</summary>
    public static string? WhyRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (Nat64.Contains(address)) address = new IPAddress(address.GetAddressBytes()[12..]);
        foreach (var (network, what) in Refused)
        {
            if (network.Contains(address)) return what;
        }
        return null;
    }

    /// <summary>Why a webhook URL is refused before anything is stored; null when it may be used.</summary>
    public string? WhyRefused(string url)
    {
        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return "A webhook must be an absolute http or https URL of at most 2,048 characters.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "A webhook URL cannot carry a user name or password.";
        var host = uri.IdnHost;
        if (_allowedNames.Contains(host)) return null;
        if (IPAddress.TryParse(uri.DnsSafeHost, out var address))
            return IsAllowed(address) ? null : $"The webhook's host {uri.Host} is {WhyRefused(address)}, which webhooks may not reach unless Webhooks:AllowedHosts lists it.";
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return $"The webhook's host {uri.Host} is this machine, which webhooks may not reach unless Webhooks:AllowedHosts lists it.";
        return null;
    }

    /// <summary>The connect callback: resolves, refuses unsafe addresses, and connects to exactly those checked.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await ResolveCheckedAsync(context.DnsEndPoint.Host, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The addresses of <paramref name="host"/> as DNS answers now, all of them safe; throws
    /// <see cref="WebhookTargetRefusedException"/> when any is not (one bad answer among good ones is refused too).</summary>
    public async Task<IPAddress[]> ResolveCheckedAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _resolve(host, cancellationToken);
        if (addresses.Length == 0) throw new HttpRequestException($"{host} resolves to no address.");
        if (_allowedNames.Contains(host)) return addresses;
        foreach (var address in addresses)
        {
            if (!IsAllowed(address))
                throw new WebhookTargetRefusedException($"{host} resolves to {address}, {WhyRefused(address)}, which webhooks may not reach unless Webhooks:AllowedHosts lists it.");
        }
        return addresses;
    }

    private bool IsAllowed(IPAddress address) =>
        WhyRefused(address) is null
        || _allowedNetworks.Any(n => n.Contains(address) || address.IsIPv4MappedToIPv6 && n.Contains(address.MapToIPv4()));
}

/// <summary>The guard refused a webhook's target: retrying cannot help until the configuration changes.</summary>
internal sealed class WebhookTargetRefusedException(string message) : Exception(message);
