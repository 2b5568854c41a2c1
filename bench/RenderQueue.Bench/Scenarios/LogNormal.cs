namespace RenderQueue.Bench.Scenarios;

/// <summary>Seeded log-normal draws: render times and estimate errors are multiplicative, so their logs are normal.</summary>
internal static class LogNormal
{
    /// <summary><paramref name="median"/> × e^(σ·Z), Z standard normal.</summary>
    public static double Sample(Random random, double median, double sigma) => median * Math.Exp(sigma * Gaussian(random));

    private static double Gaussian(Random random)
    {
        // Box–Muller
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
