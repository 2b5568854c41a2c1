using System.Net;
using System.Net.Sockets;

namespace RenderQueue.Processes;

/// <summary>Free TCP ports on loopback for servers that tests start.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
