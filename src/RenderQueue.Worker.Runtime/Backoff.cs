namespace RenderQueue.Worker.Runtime;

/// <summary>
/// Exponential backoff with "full jitter" (a random delay between half and all of the current step), capped, so that
/// many workers that lost the server at once do not come back in lockstep.
/// </summary>
internal sealed class Backoff
{
    private readonly TimeSpan _first;
    private readonly TimeSpan _max;
    private TimeSpan _next;

    public Backoff(TimeSpan first, TimeSpan max)
    {
        _first = first;
        _max = max;
        _next = first;
    }

    /// <summary>The delay to wait now; the step after it doubles, up to the cap.</summary>
    public TimeSpan Next()
    {
        var step = _next;
        _next = TimeSpan.FromTicks(Math.Min(_max.Ticks, step.Ticks * 2));
        return TimeSpan.FromTicks((long)(step.Ticks * (0.5 + Random.Shared.NextDouble() * 0.5)));
    }

    /// <summary>Back to the first delay after a success.</summary>
    public void Reset() => _next = _first;
}
