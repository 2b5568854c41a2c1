using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RenderQueue.Server.Tests.Fuzz;

/// <summary>
/// HTTP/1.1 written byte for byte over a fresh TCP connection (<c>Connection: close</c>), so a fuzzer can send what
/// HttpClient would refuse or clean up: odd methods, unnormalised paths, raw percent escapes, invalid UTF-8,
/// broken chunking. Returns the status code, or null when the server closed without answering.
/// </summary>
internal static class RawHttp
{
    public static async Task<int?> SendAsync(IPEndPoint server, byte[] request, TimeSpan timeout)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(timeout);
        await socket.ConnectAsync(server, cts.Token);
        try
        {
            await socket.SendAsync(request, cts.Token);
        }
        catch (SocketException)
        {
            // the server may refuse early (431, 413, 400) and hang up while the rest is still being sent
        }
        var response = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, cts.Token)) > 0)
            {
                response.Write(buffer, 0, read);
                if (response.Length > 12 && HasStatusLine(response)) break;
            }
        }
        catch (SocketException)
        {
            // reset after the answer
        }
        return ParseStatus(response.ToArray());
    }

    public static byte[] Build(string method, string target, IEnumerable<(string Name, byte[] Value)> headers, byte[]? body, string host)
    {
        var head = new MemoryStream();
        void Write(string text) => head.Write(Encoding.Latin1.GetBytes(text));
        Write($"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            Write(name + ": ");
            head.Write(value);
            Write("\r\n");
        }
        Write("\r\n");
        if (body is not null) head.Write(body);
        return head.ToArray();
    }

    private static bool HasStatusLine(MemoryStream response) => Array.IndexOf(response.GetBuffer(), (byte)'\n', 0, (int)response.Length) >= 0;

    private static int? ParseStatus(byte[] response)
    {
        var text = Encoding.Latin1.GetString(response, 0, Math.Min(response.Length, 32));
        return text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), out var status) ? status : null;
    }
}
