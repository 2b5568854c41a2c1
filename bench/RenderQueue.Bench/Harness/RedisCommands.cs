using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace RenderQueue.Bench.Harness;

/// <summary>
/// The few Redis commands the bench sends itself (INFO, BGREWRITEAOF), over a plain socket: RESP is simple enough, and
/// the bench then needs no Redis client of its own.
/// </summary>
internal static class RedisCommands
{
    /// <summary>One field of <c>INFO section</c>, e.g. <c>used_memory</c>.</summary>
    public static async Task<string?> InfoAsync(int port, string section, string field, CancellationToken ct)
    {
        var text = await SendAsync(port, ct, "INFO", section);
        foreach (var line in text.Split("\r\n"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal)) return line[(field.Length + 1)..];
        }
        return null;
    }

    public static async Task<long> InfoNumberAsync(int port, string section, string field, CancellationToken ct) =>
        long.Parse(await InfoAsync(port, section, field, ct) ?? "0", CultureInfo.InvariantCulture);

    /// <summary>Sends a command and returns its reply as text (status, error, integer or bulk string).</summary>
    public static async Task<string> SendAsync(int port, CancellationToken ct, params string[] command) =>
        await SendForReplyAsync(port, ct, command) switch
        {
            string text => text,
            long number => number.ToString(CultureInfo.InvariantCulture),
            null => "",
            _ => throw new InvalidOperationException($"Redis answered {command[0]} with an array."),
        };

    /// <summary>Sends a command and returns its reply: a string, a long, null, or a list of replies (arrays).</summary>
    public static async Task<object?> SendForReplyAsync(int port, CancellationToken ct, params string[] command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, ct);
        await using var stream = client.GetStream();
        var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{command.Length}\r\n");
        foreach (var part in command) request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), ct);

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0) throw new IOException("Redis closed the connection before it answered.");
            received.Write(buffer, 0, read);
            var position = 0;
            if (TryParse(received.GetBuffer().AsSpan(0, (int)received.Length), ref position, out var reply)) return reply;
        }
    }

    /// <summary>Parses one RESP2 reply starting at <paramref name="position"/>; false when more bytes are needed.</summary>
    private static bool TryParse(ReadOnlySpan<byte> data, ref int position, out object? reply)
    {
        reply = null;
        var lineEnd = data[position..].IndexOf("\r\n"u8);
        if (lineEnd < 0) return false;
        var kind = (char)data[position];
        var header = Encoding.UTF8.GetString(data.Slice(position + 1, lineEnd - 1));
        var next = position + lineEnd + 2;
        switch (kind)
        {
            case '$':
                var length = int.Parse(header, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    position = next;
                    return true;
                }
                if (data.Length < next + length + 2) return false;
                reply = Encoding.UTF8.GetString(data.Slice(next, length));
                position = next + length + 2;
                return true;
            case '*':
                var count = int.Parse(header, CultureInfo.InvariantCulture);
                var items = new List<object?>(Math.Max(0, count));
                for (var i = 0; i < count; i++)
                {
                    if (!TryParse(data, ref next, out var item)) return false;
                    items.Add(item);
                }
                reply = count < 0 ? null : items;
                position = next;
                return true;
            case ':':
                reply = long.Parse(header, CultureInfo.InvariantCulture);
                position = next;
                return true;
            case '-':
                throw new InvalidOperationException("Redis refused: " + header);
            default:
                reply = header;
                position = next;
                return true;
        }
    }
}
