using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RenderQueue.Processes;

namespace RenderQueue.Storage.Redis.Tests;

/// <summary>
/// A loopback TCP proxy in front of redis-server that counts the commands clients send, by name. What it
/// counts are requests on the wire, i.e. round trips, not the commands a Lua script runs inside Redis.
/// </summary>
public sealed class RespCountingProxy : IDisposable
{
    private readonly TcpListener _listener;
    private readonly int _target;
    private readonly ConcurrentDictionary<string, long> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];

    public RespCountingProxy(int targetPort)
    {
        _target = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, FreePort.Next());
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Configuration => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Commands seen since the last <see cref="Reset"/>, by lower-case name.</summary>
    public IReadOnlyDictionary<string, long> Commands => new Dictionary<string, long>(_commands);

    public void Reset() => _commands.Clear();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _target);
            lock (_clients) _clients.AddRange([client, server]);
            _ = PumpAsync(client.GetStream(), server.GetStream(), count: true);
            _ = PumpAsync(server.GetStream(), client.GetStream(), count: false);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool count)
    {
        var buffer = new byte[64 * 1024];
        var pending = new List<byte>();
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (count)
                {
                    pending.AddRange(buffer.AsSpan(0, read));
                    CountCompleteCommands(pending);
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            try { to.Socket.Shutdown(SocketShutdown.Both); }
            catch (Exception error) when (error is SocketException or ObjectDisposedException) { }
        }
    }

    /// <summary>Consumes every complete RESP array of bulk strings at the start of <paramref name="pending"/>.</summary>
    private void CountCompleteCommands(List<byte> pending)
    {
        var data = pending.ToArray();
        var position = 0;
        while (TryParse(data, ref position, out var name))
        {
            _commands.AddOrUpdate(name, 1, (_, n) => n + 1);
            pending.RemoveRange(0, position);
            data = [.. pending];
            position = 0;
        }
    }

    private static bool TryParse(byte[] data, ref int position, out string name)
    {
        name = "";
        var start = position;
        if (!TryLine(data, ref position, out var header) || header[0] != '*') return Fail(ref position, start);
        var parts = int.Parse(header.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < parts; i++)
        {
            if (!TryLine(data, ref position, out var length) || length[0] != '$') return Fail(ref position, start);
            var size = int.Parse(length.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            if (position + size + 2 > data.Length) return Fail(ref position, start);
            if (i == 0) name = Encoding.ASCII.GetString(data, position, size).ToLowerInvariant();
            position += size + 2;
        }
        return true;
    }

    private static bool Fail(ref int position, int start)
    {
        position = start;
        return false;
    }

    private static bool TryLine(byte[] data, ref int position, out string line)
    {
        var end = Array.IndexOf(data, (byte)'\n', position);
        if (end < 0)
        {
            line = "";
            return false;
        }
        line = Encoding.ASCII.GetString(data, position, end - position - 1);
        position = end + 1;
        return true;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_clients) foreach (var client in _clients) client.Dispose();
        _stop.Dispose();
    }
}
