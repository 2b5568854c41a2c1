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
    public double Percentile(double quantile)
    {
        var sorted = Sorted();
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(quantile * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

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
