using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Threading;

namespace RenderQueue.Core.Tests;

public sealed class WakeSignalTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly WakeSignal _signal = new();

    private DateTimeOffset In(double seconds) => _time.GetUtcNow() + TimeSpan.FromSeconds(seconds);

    [Fact]
    public async Task A_set_before_the_wait_is_kept_and_ends_it_at_once()
    {
        _signal.Set();
        _signal.Set(); // many wake-ups coalesce into one

        Assert.True(await _signal.WaitAsync(In(10), _time, CancellationToken.None));
        _signal.Reset();
        Assert.False(_signal.IsSet);
    }

    [Fact]
    public async Task A_set_during_the_wait_wakes_it()
    {
        var waiting = _signal.WaitAsync(In(10), _time, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        _signal.Set();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_wait_that_timed_out_leaves_nothing_to_swallow_the_next_set()
    {
        var waiting = _signal.WaitAsync(In(2), _time, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));

        _signal.Set();

        Assert.True(_signal.IsSet);
        Assert.True(await _signal.WaitAsync(In(10), _time, CancellationToken.None));
    }

    [Fact]
    public async Task A_due_time_already_passed_ends_the_wait_at_once()
    {
        Assert.False(await _signal.WaitAsync(In(-1), _time, CancellationToken.None));
        Assert.False(await _signal.WaitAsync(In(0), _time, CancellationToken.None));
    }

    [Fact]
    public async Task Cancellation_ends_the_wait_with_an_exception()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = _signal.WaitAsync(In(10), _time, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
