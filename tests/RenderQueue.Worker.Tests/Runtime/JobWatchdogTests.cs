using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;
using RenderQueue.Worker.Runtime.Watchdogs;

namespace RenderQueue.Worker.Tests.Runtime;

public sealed class JobWatchdogTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void The_job_timeout_stops_the_run_as_a_final_timeout()
    {
        using var watchdog = new JobWatchdog(_clock, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1), CancellationToken.None);
        watchdog.Progressed();
        for (var i = 0; i < 6; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(49));
            watchdog.Progressed();
        }
        Assert.False(watchdog.Token.IsCancellationRequested); // 294 s, progressing

        _clock.Advance(TimeSpan.FromSeconds(7));

        Assert.True(watchdog.Token.IsCancellationRequested);
        Assert.Equal(WatchdogVerdict.TimedOut, watchdog.Verdict);
        var failure = watchdog.Failure()!;
        Assert.Equal(ErrorClasses.Timeout, failure.Error.Class);
        Assert.False(failure.Retryable);
    }

    [Fact]
    public void No_progress_after_the_first_report_stops_the_run_as_a_retryable_stall()
    {
        using var watchdog = new JobWatchdog(_clock, null, TimeSpan.FromSeconds(30), CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.False(watchdog.Token.IsCancellationRequested); // never reported: not armed

        watchdog.Progressed();
        _clock.Advance(TimeSpan.FromSeconds(29));
        watchdog.Progressed();
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(watchdog.Token.IsCancellationRequested);
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(WatchdogVerdict.Stalled, watchdog.Verdict);
        Assert.Equal(ErrorClasses.Stalled, watchdog.Failure()!.Error.Class);
        Assert.True(watchdog.Failure()!.Retryable);
    }

    [Fact]
    public void An_outer_cancel_is_not_a_verdict()
    {
        using var outer = new CancellationTokenSource();
        using var watchdog = new JobWatchdog(_clock, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), outer.Token);

        outer.Cancel();
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.True(watchdog.Token.IsCancellationRequested);
        Assert.Equal(WatchdogVerdict.None, watchdog.Verdict);
        Assert.Null(watchdog.Failure());
    }
}
