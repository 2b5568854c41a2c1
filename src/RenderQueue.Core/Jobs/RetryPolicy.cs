namespace RenderQueue.Core.Jobs;

/// <summary>
/// Exponential backoff with jitter between retryable failures: attempt n waits
/// <c>min(MaxDelay, BaseDelay·2^(n−1))</c>, shortened at random by up to <see cref="Jitter"/> of itself
/// so that jobs failing together do not retry together.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>Delay after the first failure. Default 5 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest delay. Default 15 min.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Fraction (0–1) of the delay that is randomised. Default 0.5.</summary>
    public double Jitter { get; init; } = 0.5;

    /// <summary>The policy used when none is configured.</summary>
    public static RetryPolicy Default { get; } = new();

    /// <summary>The wait after attempt <paramref name="attempt"/> failed; <paramref name="unitRandom"/> is in [0, 1).</summary>
    public TimeSpan DelayAfter(int attempt, double unitRandom)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var full = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var jitter = Math.Clamp(Jitter, 0, 1);
        return TimeSpan.FromMilliseconds(full * (1 - jitter * unitRandom));
    }
}
