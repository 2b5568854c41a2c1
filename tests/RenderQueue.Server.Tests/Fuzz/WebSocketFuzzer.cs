using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RenderQueue.Server.Tests.Fuzz;

/// <summary>
/// Opens the events WebSocket over a raw TCP connection and sends seeded frames, well-formed and not: text and
/// binary messages, unmasked frames, reserved opcodes and bits, oversized control frames, fragmented pings,
/// absurd lengths, bad close codes, plain garbage. Returns once the server has closed the connection.
/// </summary>
internal static class WebSocketFuzzer
{
    public static async Task<(int Handshake, int Frames)> RunAsync(IPEndPoint server, string key, Random random, TimeSpan timeout)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(timeout);
        await socket.ConnectAsync(server, cts.Token);
        var handshake = $"GET /api/v1/events?after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Convert.ToBase64String(RandomBytes(random, 16))}\r\nAuthorization: Bearer {key}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(handshake), cts.Token);
        var status = await ReadStatusAsync(socket, cts.Token);
        if (status != 101) return (status, 0);

        var draining = DrainAsync(socket, cts.Token);
        var frames = 0;
        try
        {
            for (var n = random.Next(1, 12); n > 0 && !draining.IsCompleted; n--)
            {
                await socket.SendAsync(Frame(random), cts.Token);
                frames++;
            }
        }
        catch (SocketException)
        {
            // the server closed on a protocol error: expected
        }
        // A close frame (which the server may never see as one: a frame above can announce more bytes than were
        // sent), then the end of the stream, so that the server's side finishes either way.
        try
        {
            if (random.Next(2) == 0) await socket.SendAsync(Build(random, 0x8, [0x03, 0xE8], masked: true), cts.Token);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // already closed by the server
        }
        await draining;
        return (101, frames);
    }

    private static byte[] Frame(Random random)
    {
        switch (random.Next(10))
        {
            case 0: return RandomBytes(random, random.Next(1, 200));                                  // garbage
            case 1: return Build(random, 0x1, RandomBytes(random, random.Next(0, 50)), masked: false); // unmasked
            case 2: return Build(random, (byte)random.Next(3, 8), RandomBytes(random, 4), masked: true); // reserved opcode
            case 3: return Build(random, 0x9, RandomBytes(random, 200), masked: true);                 // control frame over 125
            case 4: return Build(random, 0x9, [], masked: true, fin: false);                           // fragmented ping
            case 5: return [0x81, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4];  // 2^63 − 1 bytes announced
            case 6: return Build(random, 0x8, [0x03, 0xE7, 0xFF, 0xFE], masked: true);                // close 999 with bad UTF-8
            case 7: return Build(random, 0x1, [0xC3, 0x28], masked: true);                             // text that is not UTF-8
            case 8: return [(byte)(0xC1 | random.Next(2) << 4), 0x80, 1, 2, 3, 4];                     // RSV bits set
            default: return Build(random, (byte)(random.Next(2) == 0 ? 0x1 : 0x2), RandomBytes(random, random.Next(0, 70_000)), masked: true);
        }
    }

    private static byte[] Build(Random random, byte opcode, byte[] payload, bool masked, bool fin = true)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        var mask = masked ? 0x80 : 0;
        if (payload.Length < 126) frame.Add((byte)(mask | payload.Length));
        else if (payload.Length <= ushort.MaxValue) frame.AddRange([(byte)(mask | 126), (byte)(payload.Length >> 8), (byte)payload.Length]);
        else frame.AddRange([(byte)(mask | 127), 0, 0, 0, 0, (byte)(payload.Length >> 24), (byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length]);
        var key = RandomBytes(random, 4);
        if (masked) frame.AddRange(key);
        for (var i = 0; i < payload.Length; i++) frame.Add(masked ? (byte)(payload[i] ^ key[i % 4]) : payload[i]);
        return [.. frame];
    }

    private static async Task<int> ReadStatusAsync(Socket socket, CancellationToken ct)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await socket.ReceiveAsync(one, ct) == 0) break;
            head.Add(one[0]);
        }
        var text = Encoding.ASCII.GetString([.. head]);
        return text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), out var status) ? status : 0;
    }

    private static async Task DrainAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[8192];
        try
        {
            while (await socket.ReceiveAsync(buffer, ct) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // reset: closed
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
