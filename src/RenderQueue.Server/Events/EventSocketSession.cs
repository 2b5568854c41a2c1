using System.Net.WebSockets;
using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Storage;

namespace RenderQueue.Server.Events;

/// <summary>
/// One events WebSocket: replays stored events after <c>after</c> first (so a client resumes without gaps), then
/// sends live events from its subscription, one JSON event per text message. Ends with a clean close when the
/// client closes, the server stops, or the client is too slow to keep up.
/// </summary>
internal sealed partial class EventSocketSession(EventHub hub, IJobStore store, ILogger<EventSocketSession> logger)
{
    private const int ReplayBatch = 500;
    // Real time on purpose: how long to wait for a peer's close frame is about the network, not the job clock,
    // and a manual test clock must not leave a socket (and the host's shutdown) hanging.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public async Task RunAsync(WebSocket socket, EventFilter filter, long? after, CancellationToken stopping)
    {
        var lastSent = after ?? hub.Cursor; // what the client has seen, for the resume hint if it must be dropped
        using var subscription = hub.Subscribe(filter);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping, subscription.Dropped);
        // A send is never cancelled by the client's own close: cancelling a WebSocket send aborts the connection, so a
        // client closing politely mid-replay would get a reset instead of our close frame. The session ends between sends.
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(stopping, subscription.Dropped);
        var receiving = ReceiveUntilCloseAsync(socket, session);
        try
        {
            if (after is { } from) lastSent = await ReplayAsync(socket, filter, from, session.Token, sending.Token);
            await foreach (var e in subscription.Events.ReadAllAsync(session.Token))
            {
                if (e.Sequence <= lastSent) continue; // already sent by the replay
                await SendAsync(socket, e, sending.Token);
                lastSent = e.Sequence;
            }
        }
        catch (OperationCanceledException)
        {
            // the client closed, the server is stopping, or the client was dropped: closed below
        }
        catch (WebSocketException e)
        {
            Log.SocketFailed(logger, e);
        }

        var (status, reason) = subscription.IsDropped
            ? (WebSocketCloseStatus.PolicyViolation, $"Too slow to keep up; reconnect with after={lastSent}.")
            : stopping.IsCancellationRequested ? (WebSocketCloseStatus.EndpointUnavailable, "The server is stopping.")
            : (WebSocketCloseStatus.NormalClosure, "Bye.");
        await CloseAsync(socket, status, reason, receiving);
    }

    private async Task<long> ReplayAsync(WebSocket socket, EventFilter filter, long after, CancellationToken ct, CancellationToken sending)
    {
        var cursor = after;
        while (true)
        {
            var batch = await store.ReadEventsAsync(cursor, ReplayBatch, ct);
            foreach (var e in batch)
            {
                ct.ThrowIfCancellationRequested();
                if (filter.Matches(e)) await SendAsync(socket, e, sending);
            }
            if (batch.Count > 0) cursor = batch[^1].Sequence;
            if (batch.Count < ReplayBatch) return cursor;
        }
    }

    private static Task SendAsync(WebSocket socket, JobEvent e, CancellationToken ct) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(e, RenderQueueJson.Options), WebSocketMessageType.Text, endOfMessage: true, ct);

    /// <summary>Clients send nothing but a close; reading is how the close (or a dead connection) is noticed.</summary>
    private static async Task ReceiveUntilCloseAsync(WebSocket socket, CancellationTokenSource session)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var message = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (message.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (WebSocketException)
        {
            // the connection broke
        }
        await session.CancelAsync();
    }

    /// <summary>Sends our close and waits briefly for the client's, then lets go of the connection.</summary>
    private async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason, Task receiving)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            await receiving.WaitAsync(CloseTimeout);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
            Log.SocketFailed(logger, e);
            socket.Abort();
        }
    }
}
