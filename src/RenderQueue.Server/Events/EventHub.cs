using Microsoft.Extensions.Options;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Threading;
using RenderQueue.Server.Configuration;

namespace RenderQueue.Server.Events;

/// <summary>
/// Follows the store's change feed: when the store signals that events were appended, it reads them once and hands
/// each to the server's listeners (the scheduler) and to every socket whose filter matches. It also looks
/// every <see cref="LeaseOptions.RecheckInterval"/> in case a signal was missed.
/// </summary>
internal sealed partial class EventHub(
    IJobStore store,
    IEnumerable<IJobEventListener> listeners,
    IOptions<EventOptions> options,
    IOptions<LeaseOptions> leases,
    TimeProvider time,
    ILogger<EventHub> logger) : BackgroundService
{
    private const int ReadBatch = 500;

    private readonly IJobEventListener[] _listeners = [.. listeners];
    private readonly WakeSignal _appended = new();
    private readonly Lock _gate = new();
    private EventSubscription[] _subscriptions = [];
    private long _cursor;

    /// <summary>The sequence of the last event handed out; a new subscription receives only later ones.</summary>
    public long Cursor => Volatile.Read(ref _cursor);

    /// <summary>Sockets connected now.</summary>
    public int Subscribers => Volatile.Read(ref _subscriptions).Length;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Start from the present: listeners count what happens from now on, and sockets replay with after=.
        _cursor = await store.LastEventSequenceAsync(cancellationToken);
        store.Signals.EventsAppended += OnAppended;
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        store.Signals.EventsAppended -= OnAppended;
        await base.StopAsync(cancellationToken);
    }

    public EventSubscription Subscribe(EventFilter filter)
    {
        var subscription = new EventSubscription(filter, options.Value.SendBufferSize, Unsubscribe);
        lock (_gate) _subscriptions = [.. _subscriptions, subscription];
        return subscription;
    }

    /// <summary>Delivers every event committed so far. Only the hub's own loop calls it, so it needs no lock.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = await store.ReadEventsAsync(_cursor, ReadBatch, cancellationToken);
            foreach (var e in batch) Deliver(e);
            if (batch.Count > 0) Volatile.Write(ref _cursor, batch[^1].Sequence);
            if (batch.Count < ReadBatch) return;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitForAppendAsync(stoppingToken);
                await CatchUpAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (StoreUnavailableException e)
            {
                Log.StoreUnavailable(logger, e.Message);
                await WaitForAppendAsync(stoppingToken);
            }
            catch (Exception e)
            {
                Log.PumpFailed(logger, e);
                await WaitForAppendAsync(stoppingToken); // back off until the next signal or re-check
            }
        }
    }

    /// <summary>Waits for an append signal, or the safety-net look at the feed after the re-check interval.</summary>
    private async Task WaitForAppendAsync(CancellationToken stoppingToken)
    {
        // The catch-up that follows reads everything appended so far.
        await _appended.WaitAndResetAsync(time.GetUtcNow() + leases.Value.RecheckInterval, time, stoppingToken);
    }

    private void Deliver(JobEvent e)
    {
        foreach (var listener in _listeners)
        {
            try
            {
                listener.OnEvent(e);
            }
            catch (Exception ex)
            {
                Log.ListenerFailed(logger, ex, listener.GetType().Name, e.Sequence);
            }
        }
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Post(e)) Log.SlowSubscriberDropped(logger, subscription.Filter.JobId, subscription.Filter.Queue);
        }
    }

    private void OnAppended(long sequence) => _appended.Set();

    private void Unsubscribe(EventSubscription subscription)
    {
        lock (_gate) _subscriptions = [.. _subscriptions.Where(s => !ReferenceEquals(s, subscription))];
    }
}
