using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace RenderQueue.Worker.Tests.Fakes;

internal sealed partial class FakeComfyUI
{
    private readonly ConcurrentDictionary<string, SocketSession> _sockets = new(StringComparer.Ordinal);

    /// <summary>Client ids of the sockets connected now.</summary>
    public IReadOnlyCollection<string> ConnectedClients => [.. _sockets.Keys];

    /// <summary>Every client id that ever connected, in order.</summary>
    public ConcurrentQueue<string> ClientIds { get; } = new();

    /// <summary>Drops every socket; ComfyUI itself keeps running (a network blip).</summary>
    public void CloseAllSockets()
    {
        foreach (var session in _sockets.Values) session.Socket.Abort();
    }

    /// <summary><c>GET /ws?clientId=</c>: a generated id when none is given; the first message is <c>status</c> with <c>sid</c>.</summary>
    private async Task AcceptSocketAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = 400;
            return;
        }
        var sid = http.Request.Query["clientId"].ToString() is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N");
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var session = new SocketSession(socket);
        _sockets[sid] = session;
        ClientIds.Enqueue(sid);
        try
        {
            session.Post(Message("status", new JsonObject
            {
                ["status"] = new JsonObject { ["exec_info"] = new JsonObject { ["queue_remaining"] = QueueRemaining } },
                ["sid"] = sid,
            }));
            var buffer = new byte[16 * 1024];
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, http.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close) break;
                var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
                if (text.Contains("\"feature_flags\"", StringComparison.Ordinal))
                    session.Post(Message("feature_flags", new JsonObject { ["supports_preview_metadata"] = true, ["max_upload_size"] = 104857600 }));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // dropped
        }
        finally
        {
            // ComfyUI's handler does sockets.pop(sid): it removes whatever is registered under the id now,
            // even a newer socket that reused it (reference §5.4, issue #16010).
            _sockets.TryRemove(sid, out _);
            session.Complete();
        }
    }

    /// <summary>Execution events go to the prompt's client only, and are dropped when it is not connected.</summary>
    private void Send(string? clientId, string type, JsonObject data, bool broadcastWithoutClient = false)
    {
        var message = Message(type, data);
        if (clientId is null)
        {
            if (broadcastWithoutClient) foreach (var session in _sockets.Values) session.Post(message);
            return;
        }
        if (_sockets.TryGetValue(clientId, out var target)) target.Post(message);
    }

    private void BroadcastStatus()
    {
        var message = Message("status", new JsonObject { ["status"] = new JsonObject { ["exec_info"] = new JsonObject { ["queue_remaining"] = QueueRemaining } } });
        foreach (var session in _sockets.Values) session.Post(message);
    }

    private static byte[] Message(string type, JsonObject data) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["data"] = data.DeepClone() }.ToJsonString());

    /// <summary>One socket with an ordered outbox: messages leave in the order they were produced.</summary>
    private sealed class SocketSession
    {
        private readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

        public SocketSession(WebSocket socket)
        {
            Socket = socket;
            _ = Task.Run(PumpAsync);
        }

        public WebSocket Socket { get; }

        public void Post(byte[] message) => _outbox.Writer.TryWrite(message);

        public void Complete() => _outbox.Writer.TryComplete();

        private async Task PumpAsync()
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync())
            {
                try
                {
                    if (Socket.State == WebSocketState.Open) await Socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
                }
                catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
                {
                    // a socket that is gone swallows the message, as aiohttp's send to a closed socket does
                }
            }
        }
    }
}
