namespace RenderQueue.Core.Threading;

/// <summary>
/// A wake-up for one waiter: <see cref="Set"/> any number of times and the signal stays set until
/// <see cref="Reset"/>, so a wake-up that comes while nobody waits is kept for the next wait, and many coalesce
/// into one. Waiting never takes the signal: a wait that ends at its time limit leaves nothing behind that could
/// swallow the next <see cref="Set"/>. The waiter resets right before it looks again at what the signal is about;
/// a <see cref="Set"/> racing that reset may be lost, which is harmless because the look that follows sees its cause.
/// </summary>
public sealed class WakeSignal
{
    private TaskCompletionSource _set = NewLatch();

    /// <summary>True from a <see cref="Set"/> until the next <see cref="Reset"/>.</summary>
    public bool IsSet => Volatile.Read(ref _set).Task.IsCompleted;

    /// <summary>Wakes the current or the next wait.</summary>
    public void Set() => Volatile.Read(ref _set).TrySetResult();

    /// <summary>Clears the signal; call it before looking at what the signal is about, not after.</summary>
    public void Reset()
    {
        var current = Volatile.Read(ref _set);
        if (current.Task.IsCompleted) Interlocked.CompareExchange(ref _set, NewLatch(), current);
    }

    /// <summary>
    /// Waits until the signal is set or <paramref name="time"/> reaches <paramref name="until"/>; true if it is set.
    /// The clock is read again once the timer exists, so a clock that passed <paramref name="until"/> meanwhile (a
    /// test's manual clock, a slow thread) ends the wait at once. Throws when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task<bool> WaitAsync(DateTimeOffset until, TimeProvider time, CancellationToken cancellationToken)
    {
        var set = Volatile.Read(ref _set).Task;
        var remaining = until - time.GetUtcNow();
        if (!set.IsCompleted && remaining > TimeSpan.Zero)
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var woken = set.WaitAsync(remaining, time, waiting.Token);
            if (time.GetUtcNow() >= until) await waiting.CancelAsync();
            // The time limit ends the wait as a timeout or a cancel of our own: not an error, and not worth an
            // exception on every parked lease's re-check. The caller's cancellation is thrown below.
            await woken.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return set.IsCompleted;
    }

    /// <summary>
    /// <see cref="WaitAsync"/>, then <see cref="Reset"/>: for a waiter that goes on to look at everything the signal
    /// is about, so a <see cref="Set"/> from before that look is not kept for the next wait.
    /// </summary>
    public async Task<bool> WaitAndResetAsync(DateTimeOffset until, TimeProvider time, CancellationToken cancellationToken)
    {
        var woken = await WaitAsync(until, time, cancellationToken);
        Reset();
        return woken;
    }

    private static TaskCompletionSource NewLatch() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
