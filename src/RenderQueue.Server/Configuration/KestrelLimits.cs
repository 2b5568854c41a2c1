using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RenderQueue.Server.Configuration;

/// <summary>
/// Kestrel's limits against slow and idle clients, from <see cref="LimitsOptions"/>: a client that dribbles its
/// headers (slowloris) or its body, or opens sockets and sends nothing, is cut off instead of holding a connection
/// for as long as it likes; connections and WebSockets are capped.
/// </summary>
internal static class KestrelLimits
{
    public static void Apply(KestrelServerLimits kestrel, LimitsOptions limits)
    {
        kestrel.RequestHeadersTimeout = limits.RequestHeadersTimeout;
        kestrel.KeepAliveTimeout = limits.KeepAliveTimeout;
        kestrel.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
        kestrel.MinResponseDataRate = new MinDataRate(240, TimeSpan.FromSeconds(5));
        kestrel.MaxConcurrentConnections = limits.MaxConnections;
        kestrel.MaxConcurrentUpgradedConnections = limits.MaxWebSocketConnections;
        kestrel.MaxRequestHeaderCount = 100;
        kestrel.MaxRequestHeadersTotalSize = 32 * 1024;
        kestrel.MaxRequestLineSize = 8 * 1024;
        kestrel.Http2.MaxStreamsPerConnection = 100;
    }
}
