using RenderQueue.Core.Threading;

namespace RenderQueue.Server.Dispatch;

/// <summary>
/// One lease request: which queues it takes from, the signal the dispatcher sets to wake it, and the
/// <see cref="WakeChain"/> it was woken with, if any.
/// </summary>
internal sealed class LeaseWaiter(IReadOnlyCollection<string> queues, long busyAt = long.MinValue)
{
    /// <summary>When its worker was last busy (<see cref="BusyClock"/>): the most recent is woken first.</summary>
    public long BusyAt => busyAt;

    private readonly WakeSignal _wake = new();
    private WakeChain? _chain;
    private int _waiting;

    /// <summary>True while the request sleeps with its wake-up timer armed (not while it is asking the store).</summary>
    public bool IsWaiting => Volatile.Read(ref _waiting) == 1;

    /// <summary>Sleeps until woken, the timeout or cancellation; <see cref="IsWaiting"/> holds once the timer exists.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var woken = _wake.WaitAsync(time.GetUtcNow() + timeout, time, cancellationToken);
        Volatile.Write(ref _waiting, 1);
        try
        {
            await woken;
        }
        finally
        {
            Volatile.Write(ref _waiting, 0);
        }
    }

    /// <summary>An empty queue list takes from every queue.</summary>
    public bool Wants(string queue) => queues.Count == 0 || queues.Contains(queue, StringComparer.Ordinal);

    /// <summary>True once <see cref="Wake"/> was called after the last <see cref="Reset"/>.</summary>
    public bool IsWoken => _wake.IsSet;

    /// <summary>The request looks at the store again.</summary>
    public void Wake() => _wake.Set();

    /// <summary>
    /// Wakes a parked request with <paramref name="chain"/>, which its next look answers for; false if it is not
    /// asleep or already holds one (the dispatcher calls this under its lock, so only the request's own loop races it).
    /// </summary>
    public bool TryWakeWith(WakeChain chain)
    {
        if (!IsWaiting || IsWoken) return false;
        if (Interlocked.CompareExchange(ref _chain, chain, null) is not null) return false;
        Wake();
        return true;
    }

    /// <summary>Could take a chain now: asleep, not yet woken, holding none.</summary>
    public bool IsParked => IsWaiting && !IsWoken && Volatile.Read(ref _chain) is null;

    /// <summary>The chain this request was last woken with, handed over once.</summary>
    public WakeChain? TakeChain() => Interlocked.Exchange(ref _chain, null);

    /// <summary>Clears the wake-up before the next look at the store, so a wake-up after it is not lost.</summary>
    public void Reset() => _wake.Reset();
}
