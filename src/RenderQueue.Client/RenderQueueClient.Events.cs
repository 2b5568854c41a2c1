using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Client;

public sealed partial class RenderQueueClient
{
    /// <summary>
    /// Follows job events live over the events WebSocket, optionally replaying stored ones first
    /// (<see cref="EventStreamQuery.After"/>). Ends when the server closes the socket; cancel to stop. To resume
    /// without gaps after a disconnect, call again with <c>After</c> set to the last sequence seen.
    /// </summary>
    public async IAsyncEnumerable<JobEvent> StreamEventsAsync(
        EventStreamQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var socket = await _connectWebSocket(EventsUri(query ?? new EventStreamQuery()), cancellationToken);
        await foreach (var e in ReadEventsAsync(socket, cancellationToken)) yield return e;
    }

    /// <summary>Events from an open socket until the server closes it (answering its close).</summary>
    private static async IAsyncEnumerable<JobEvent> ReadEventsAsync(WebSocket socket, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
                buffer.Advance(received.Count);
            } while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

            if (received.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                yield break;
            }
            var e = JsonSerializer.Deserialize<JobEvent>(buffer.WrittenSpan, Json);
            if (e is not null) yield return e;
        }
    }

    private Uri EventsUri(EventStreamQuery query)
    {
        var parts = new List<string>();
        if (query.JobId is not null) parts.Add("job_id=" + Escape(query.JobId));
        if (query.Queue is not null) parts.Add("queue=" + Escape(query.Queue));
        if (query.After is { } after) parts.Add("after=" + after.ToString(CultureInfo.InvariantCulture));
        var builder = new UriBuilder(new Uri(BaseAddress, "api/v1/events"))
        {
            Scheme = BaseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = string.Join('&', parts),
        };
        return builder.Uri;
    }
}
