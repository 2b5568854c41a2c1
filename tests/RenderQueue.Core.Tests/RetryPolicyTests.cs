using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Tests;

public sealed class RetryPolicyTests
{
    private readonly RetryPolicy _policy = new() { BaseDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromMinutes(1), Jitter = 0.5 };

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(5, 60)]
    [InlineData(50, 60)]
    public void Without_randomness_the_delay_doubles_up_to_the_maximum(int attempt, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), _policy.DelayAfter(attempt, unitRandom: 0));

    [Fact]
    public void Jitter_shortens_the_delay_by_at_most_its_fraction()
    {
        var random = new Random(1);
        var delays = Enumerable.Range(0, 1000).Select(_ => _policy.DelayAfter(3, random.NextDouble())).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)));
        Assert.True(delays.Distinct().Count() > 900, "jitter should spread retries apart");
    }
}
