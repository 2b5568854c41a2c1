using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Worker.Runtime.Watchdogs;

/// <summary>
/// Guards one run with two timers on the injected clock: the job's own <c>timeout</c> (from the start of the
/// attempt) and a stall timer that restarts at every progress report. The stall timer is armed by the first
/// report, so a runner that never reports progress (a command without a progress pattern) is never called
/// stalled; the runners that talk to ComfyUI, A1111 and the simulated runner all report as soon as they start.
/// Either timer cancels <see cref="Token"/> and leaves its <see cref="Verdict"/>.
/// </summary>
public sealed class JobWatchdog : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly ITimer? _timeoutTimer;
    private readonly ITimer? _stallTimer;
    private readonly TimeSpan? _timeout;
    private readonly TimeSpan? _stallTimeout;
    private int _verdict;

    public JobWatchdog(TimeProvider time, TimeSpan? timeout, TimeSpan? stallTimeout, CancellationToken cancellationToken)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _timeout = timeout is { } t && t > TimeSpan.Zero ? t : null;
        _stallTimeout = stallTimeout is { } s && s > TimeSpan.Zero ? s : null;
        if (_timeout is { } due) _timeoutTimer = time.CreateTimer(static w => ((JobWatchdog)w!).Trip(WatchdogVerdict.TimedOut), this, due, Timeout.InfiniteTimeSpan);
        if (_stallTimeout is not null) _stallTimer = time.CreateTimer(static w => ((JobWatchdog)w!).Trip(WatchdogVerdict.Stalled), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Canceled when the outer token is, or when a timer trips.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>What tripped, if anything did.</summary>
    public WatchdogVerdict Verdict => (WatchdogVerdict)Volatile.Read(ref _verdict);

    /// <summary>Call on every progress report: (re)starts the stall timer.</summary>
    public void Progressed()
    {
        if (_stallTimeout is { } stall && Verdict == WatchdogVerdict.None) _stallTimer?.Change(stall, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The failure to report for the verdict; null when the watchdog did not trip.</summary>
    public JobFailedException? Failure() => Verdict switch
    {
        WatchdogVerdict.TimedOut => new JobFailedException(
            new JobError($"The job ran longer than its timeout of {Describe(_timeout)} and was stopped.", ErrorClasses.Timeout), retryable: false),
        WatchdogVerdict.Stalled => new JobFailedException(
            new JobError($"The runner reported no progress for {Describe(_stallTimeout)} and was stopped.", ErrorClasses.Stalled), retryable: true),
        _ => null,
    };

    private void Trip(WatchdogVerdict verdict)
    {
        // Stopped for another reason first (cancel, lease lost, drain): that reason stands.
        if (_cancel.IsCancellationRequested) return;
        if (Interlocked.CompareExchange(ref _verdict, (int)verdict, (int)WatchdogVerdict.None) != (int)WatchdogVerdict.None) return;
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the run ended as the timer fired
        }
    }

    private static string Describe(TimeSpan? span) => span is { } s
        ? s.TotalSeconds < 120 ? FormattableString.Invariant($"{s.TotalSeconds:0.###} s") : s.ToString("c", System.Globalization.CultureInfo.InvariantCulture)
        : "?";

    public void Dispose()
    {
        _timeoutTimer?.Dispose();
        _stallTimer?.Dispose();
        _cancel.Dispose();
    }
}
