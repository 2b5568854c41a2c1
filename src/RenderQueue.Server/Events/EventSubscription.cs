using System.Threading.Channels;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Server.Events;

/// <summary>
/// One socket's bounded buffer of live events. The hub never waits on it: when a client falls a whole buffer
/// behind, the subscription is dropped (its <see cref="Dropped"/> token fires) and the others carry on.
/// </summary>
internal sealed class EventSubscription : IDisposable
{
    private readonly Channel<JobEvent> _buffer;
    private readonly CancellationTokenSource _dropped = new();
    private readonly Action<EventSubscription> _unsubscribe;

    public EventSubscription(EventFilter filter, int capacity, Action<EventSubscription> unsubscribe)
    {
        Filter = filter;
        _unsubscribe = unsubscribe;
        _buffer = Channel.CreateBounded<JobEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of dropping silently
        });
    }

    public EventFilter Filter { get; }

    public ChannelReader<JobEvent> Events => _buffer.Reader;

    /// <summary>Fires when the client was too slow; its session closes the socket.</summary>
    public CancellationToken Dropped => _dropped.Token;

    public bool IsDropped => _dropped.IsCancellationRequested;

    /// <summary>Called by the hub's pump only. True when this event overflowed the buffer and dropped the client.</summary>
    public bool Post(JobEvent e)
    {
        if (!Filter.Matches(e) || IsDropped || _buffer.Writer.TryWrite(e)) return false;
        _buffer.Writer.TryComplete();
        _dropped.Cancel();
        return true;
    }

    public void Dispose()
    {
        _unsubscribe(this);
        _buffer.Writer.TryComplete();
        _dropped.Dispose();
    }
}
