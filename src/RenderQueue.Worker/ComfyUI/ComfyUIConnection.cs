using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace RenderQueue.Worker.ComfyUI;

/// <summary>
/// The one long-lived WebSocket to a ComfyUI instance. Each connection uses a fresh client id, so a half-open old
/// socket can never unregister the new one (reference §5.4). Prompts are watched by their prompt id before they
/// are submitted, so events that arrive before the <c>POST /prompt</c> response are kept in the watch's buffer.
/// When the socket drops every watch is told, with the client id that dropped.
/// </summary>
internal sealed partial class ComfyUIConnection : IAsyncDisposable
{
    private readonly Uri _socketBase;
    private readonly ComfyUIOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Channel<ComfyUIEvent>> _watches = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Core.Threading.WakeSignal _retryNow = new();
    private TaskCompletionSource<string> _connected = NewConnectedSource();
    private Task? _loop;
    private int _disposed;

    public ComfyUIConnection(Uri baseUrl, ComfyUIOptions options, TimeProvider time, ILogger logger)
    {
        var builder = new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" };
        if (!builder.Path.EndsWith('/')) builder.Path += "/";
        _socketBase = builder.Uri;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The client id of the live socket, or null while disconnected.</summary>
    public string? ClientId
    {
        get
        {
            lock (_gate) return _connected.Task.IsCompletedSuccessfully ? _connected.Task.Result : null;
        }
    }

    /// <summary>Starts the connect/receive/reconnect loop once.</summary>
    public void EnsureStarted()
    {
        lock (_gate) _loop ??= Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>ComfyUI answers HTTP again: a reconnect waiting out its backoff tries now.</summary>
    public void RetryNow() => _retryNow.Set();

    /// <summary>Waits until a socket is open and returns its client id.</summary>
    public Task<string> WaitConnectedAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        Task<string> connected;
        lock (_gate) connected = _connected.Task;
        return connected.WaitAsync(cancellationToken);
    }

    /// <summary>Buffers every event of <paramref name="promptId"/> from now on; dispose the watch to stop.</summary>
    public PromptWatch Watch(string promptId)
    {
        var channel = Channel.CreateUnbounded<ComfyUIEvent>(new UnboundedChannelOptions { SingleReader = true });
        if (!_watches.TryAdd(promptId, channel)) throw new InvalidOperationException($"Prompt {promptId} is already watched.");
        return new PromptWatch(channel.Reader, () => _watches.TryRemove(promptId, out _));
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var delay = _options.ReconnectDelay;
        while (!stopping.IsCancellationRequested)
        {
            var clientId = Guid.NewGuid().ToString("N");
            using var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = _options.KeepAliveInterval;
            socket.Options.KeepAliveTimeout = _options.KeepAliveInterval;
            try
            {
                using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping))
                {
                    connectTimeout.CancelAfter(TimeSpan.FromSeconds(30));
                    await socket.ConnectAsync(new Uri(_socketBase, "ws?clientId=" + clientId), connectTimeout.Token);
                }
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException && !stopping.IsCancellationRequested)
            {
                Log.ConnectFailed(_logger, _socketBase, delay, e.Message);
                _retryNow.Reset();
                await ((Task)_retryNow.WaitAsync(_time.GetUtcNow() + delay, _time, stopping)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                continue;
            }

            delay = _options.ReconnectDelay;
            Log.Connected(_logger, _socketBase, clientId);
            lock (_gate) _connected.TrySetResult(clientId);
            string reason;
            try
            {
                reason = await ReceiveAsync(socket, clientId, stopping);
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or JsonException)
            {
                reason = e.Message;
            }
            lock (_gate) _connected = NewConnectedSource();
            foreach (var watch in _watches.Values) watch.Writer.TryWrite(ComfyUIEvent.Dropped(clientId));
            if (stopping.IsCancellationRequested) break;
            Log.Dropped(_logger, _socketBase, clientId, reason);
            socket.Abort();
            await Task.Delay(_options.ReconnectDelay, _time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Reads messages until the socket closes; returns why it closed.</summary>
    private async Task<string> ReceiveAsync(ClientWebSocket socket, string clientId, CancellationToken stopping)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), stopping);
                if (result.MessageType == WebSocketMessageType.Close)
                    return $"closed by ComfyUI ({socket.CloseStatus} {socket.CloseStatusDescription})";
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > _options.MaxMessageBytes)
                    return $"a message was larger than {_options.MaxMessageBytes} bytes";
            } while (!result.EndOfMessage);

            // Binary frames are previews (types 1, 3, 4); RenderQueue has no use for them.
            if (result.MessageType == WebSocketMessageType.Text) Dispatch(buffer.WrittenSpan, clientId);
        }
    }

    private void Dispatch(ReadOnlySpan<byte> message, string clientId)
    {
        using var document = JsonDocument.Parse(message.ToArray());
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String) return;
        var data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
        var evt = new ComfyUIEvent(type.GetString()!, data, clientId);
        if (evt.PromptId is { } promptId && _watches.TryGetValue(promptId, out var watch)) watch.Writer.TryWrite(evt);
    }

    private static TaskCompletionSource<string> NewConnectedSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        if (_loop is not null) await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "ComfyUI socket {Url} connected as client {ClientId}")]
        public static partial void Connected(ILogger logger, Uri url, string clientId);

        [LoggerMessage(2, LogLevel.Warning, "ComfyUI socket {Url} (client {ClientId}) dropped: {Reason}; reconnecting with a fresh client id")]
        public static partial void Dropped(ILogger logger, Uri url, string clientId, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Could not connect to ComfyUI socket {Url}; retrying in {Delay}: {Reason}")]
        public static partial void ConnectFailed(ILogger logger, Uri url, TimeSpan delay, string reason);
    }
}

/// <summary>The buffered events of one prompt.</summary>
internal sealed class PromptWatch(ChannelReader<ComfyUIEvent> events, Action stop) : IDisposable
{
    public ChannelReader<ComfyUIEvent> Events { get; } = events;

    public void Dispose() => stop();
}
