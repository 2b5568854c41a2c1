using System.Diagnostics.Metrics;

namespace RenderQueue.Server.Metrics;

/// <summary>Everything recorded for one instrument, one aggregate per label set.</summary>
internal sealed class InstrumentSeries(Instrument instrument)
{
    private readonly Dictionary<Labels, double> _values = [];
    private readonly Dictionary<Labels, HistogramAggregate> _histograms = [];

    public Instrument Instrument { get; } = instrument;

    private bool IsHistogram => Instrument is Histogram<double> or Histogram<long> or Histogram<int>;
    private bool IsObserved => Instrument.IsObservable;
    private bool IsCounter => Instrument is Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<double>;

    public void Record(double value, Labels labels)
    {
        if (IsHistogram)
        {
            if (!_histograms.TryGetValue(labels, out var histogram))
                _histograms[labels] = histogram = new HistogramAggregate(BoundsOf(Instrument));
            histogram.Record(value);
        }
        else
        {
            // Observable instruments report their current value; synchronous counters add up.
            _values[labels] = IsObserved ? value : _values.GetValueOrDefault(labels) + value;
        }
    }

    /// <summary>Observable instruments report afresh at each scrape; series that vanished must go.</summary>
    public void ClearIfObserved()
    {
        if (IsObserved) _values.Clear();
    }

    public void WriteTo(PrometheusTextWriter writer)
    {
        var name = PrometheusTextWriter.MetricName(Instrument.Name, Instrument.Unit, IsCounter);
        var type = IsHistogram ? "histogram" : IsCounter ? "counter" : "gauge";
        writer.Header(name, Instrument.Description ?? Instrument.Name, type);
        if (IsHistogram)
        {
            foreach (var (labels, histogram) in _histograms) histogram.WriteTo(writer, name, labels);
        }
        else
        {
            foreach (var (labels, value) in _values) writer.Sample(name, labels, value);
        }
    }

    private static IReadOnlyList<double> BoundsOf(Instrument instrument) =>
        (instrument as Histogram<double>)?.Advice?.HistogramBucketBoundaries ?? RenderQueueMetrics.PickupBuckets;
}

/// <summary>Bucket counts (not cumulative), sum and count of one histogram series.</summary>
internal sealed class HistogramAggregate(IReadOnlyList<double> bounds)
{
    private readonly long[] _counts = new long[bounds.Count + 1];
    private double _sum;
    private long _count;

    public void Record(double value)
    {
        var i = 0;
        while (i < bounds.Count && value > bounds[i]) i++;
        _counts[i]++;
        _sum += value;
        _count++;
    }

    public void WriteTo(PrometheusTextWriter writer, string name, Labels labels)
    {
        long cumulative = 0;
        for (var i = 0; i < bounds.Count; i++)
        {
            cumulative += _counts[i];
            writer.Sample(name + "_bucket", labels.With("le", PrometheusTextWriter.Number(bounds[i])), cumulative);
        }
        writer.Sample(name + "_bucket", labels.With("le", "+Inf"), _count);
        writer.Sample(name + "_sum", labels, _sum);
        writer.Sample(name + "_count", labels, _count);
    }
}
