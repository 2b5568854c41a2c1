using System.Threading.Channels;

namespace RenderQueue.Server.Background;

/// <summary>Waiting on a channel of wake-up signals (the event hub's, the scheduler's) with a time limit.</summary>
internal static class SignalChannel
{
    /// <summary>
    /// Waits until a signal arrives or the clock reaches <paramref name="until"/>, then takes the signal, if any.
    /// Nothing is left waiting on the channel afterwards: a reader abandoned at the time limit would take, and lose,
    /// the next signal. The clock is read again once the timer is set, so a clock that passed <paramref name="until"/>
    /// meanwhile ends the wait at once.
    /// </summary>
    public static async Task WaitForSignalAsync<T>(this ChannelReader<T> signals, DateTimeOffset until, TimeProvider time, CancellationToken cancellationToken)
    {
        var remaining = until - time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var signaled = signals.WaitToReadAsync(waiting.Token).AsTask();
            var due = Task.Delay(remaining, time, waiting.Token);
            if (time.GetUtcNow() < until) await Task.WhenAny(signaled, due);
            await waiting.CancelAsync();
        }
        cancellationToken.ThrowIfCancellationRequested();
        signals.TryRead(out _);
    }
}
