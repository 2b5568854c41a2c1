using System.Globalization;
using Microsoft.Extensions.Logging;
using RenderQueue.Core.Storage;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// Carries store signals between nodes. Every script that makes jobs ready or appends events publishes one
/// message on <c>P:signals</c> (instance id, last event sequence, ready queues) from inside the script, so
/// it goes out exactly when the change commits. The instance that ran the script raises its own signals
/// from the script's reply at once and drops the echo; every other instance, in this process or another,
/// raises them when the message arrives. After a reconnect, when messages may have been missed, every
/// known queue is signalled once so parked leases look again.
/// </summary>
internal sealed partial class SignalRelay : IDisposable
{
    private readonly IConnectionMultiplexer _connection;
    private readonly ISubscriber _subscriber;
    private readonly RedisChannel _channel;
    private readonly string _prefix;
    private readonly string _instance;
    private readonly StoreSignals _signals;
    private readonly ILogger _logger;
    private readonly Action<RedisChannel, RedisValue> _handler;

    public SignalRelay(IConnectionMultiplexer connection, string prefix, string instance, StoreSignals signals, ILogger logger)
    {
        _connection = connection;
        _subscriber = connection.GetSubscriber();
        _channel = new RedisChannel(prefix + ":signals", RedisChannel.PatternMode.Literal);
        _prefix = prefix;
        _instance = instance;
        _signals = signals;
        _logger = logger;
        _handler = OnMessage;
        try
        {
            // Subscribed before the store is used, so no signal published after construction is missed.
            _subscriber.Subscribe(_channel, _handler);
        }
        catch (RedisConnectionException error)
        {
            Log.SubscribeFailed(_logger, _channel.ToString(), error);
        }
        _connection.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Raises signals on this instance, shielding the store from failing handlers.</summary>
    public void Raise(IEnumerable<string> readyQueues, long lastEvent)
    {
        try
        {
            foreach (var queue in readyQueues) _signals.RaiseJobsReady(queue);
            if (lastEvent > 0) _signals.RaiseEventsAppended(lastEvent);
        }
        catch (Exception error)
        {
            Log.SignalHandlerFailed(_logger, error);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var lines = ((string)message!).Split('\n');
        if (lines.Length < 2 || lines[0] == _instance) return;
        var lastEvent = long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : 0;
        Raise(lines.Skip(2), lastEvent);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription) _ = WakeEveryoneAsync();
    }

    private async Task WakeEveryoneAsync()
    {
        try
        {
            var database = _connection.GetDatabase();
            var queues = await database.SetMembersAsync(_prefix + ":queues");
            var lastEvent = await database.StringGetAsync(_prefix + ":event_seq");
            Log.Resubscribed(_logger, _channel.ToString(), queues.Length);
            Raise(queues.Select(q => (string)q!), lastEvent.IsNull ? 0 : (long)lastEvent);
        }
        catch (Exception error) when (error is RedisException or TimeoutException)
        {
            Log.WakeAfterReconnectFailed(_logger, error);
        }
    }

    public void Dispose()
    {
        _connection.ConnectionRestored -= OnConnectionRestored;
        try
        {
            _subscriber.Unsubscribe(_channel, _handler, CommandFlags.FireAndForget);
        }
        catch (RedisConnectionException)
        {
            // Already disconnected: nothing is delivered to this handler any more.
        }
    }
}
