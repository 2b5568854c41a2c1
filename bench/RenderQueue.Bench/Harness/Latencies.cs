namespace RenderQueue.Bench.Harness;

/// <summary>Latency samples in milliseconds, safe to add from many tasks; percentiles by nearest rank.</summary>
internal sealed class Latencies
{
    private readonly List<double> _samples = [];
    private double[]? _sorted;

    public int Count
    {
        get { lock (_samples) return _samples.Count; }
    }

    public void Add(double milliseconds)
    {
        lock (_samples)
        {
            _samples.Add(milliseconds);
            _sorted = null;
        }
    }

    /// <summary>Adds the time since <paramref name="startTimestamp"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public void AddSince(long startTimestamp) => Add(System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    /// <summary>The <paramref name="quantile"/> (0–1) by nearest rank; NaN without samples.</summary>
    public double Percentile(double quantile) => Rank(Sorted(), quantile);

    /// <summary>The <paramref name="quantile"/> (0–1) of <paramref name="values"/> by nearest rank; NaN when empty.</summary>
    public static double NearestRank(double[] values, double quantile)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return Rank(sorted, quantile);
    }

    private static double Rank(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    public double Max => Sorted() is { Length: > 0 } s ? s[^1] : double.NaN;

    public double Mean => Sorted() is { Length: > 0 } s ? s.Average() : double.NaN;

    private double[] Sorted()
    {
        lock (_samples)
        {
            if (_sorted is null)
            {
                _sorted = [.. _samples];
                Array.Sort(_sorted);
            }
            return _sorted;
        }
    }
}
