using System.Diagnostics.Metrics;

namespace RenderQueue.Server.Metrics;

/// <summary>
/// Collects the measurements of one <see cref="Meter"/> with a <see cref="MeterListener"/> and renders them in the
/// Prometheus text exposition format. Counters and histograms aggregate as measurements arrive; observable gauges
/// are read at each scrape. Only this server's meter is listened to, so hosts sharing a process stay apart.
/// A hosted service so that it listens from start-up: measurements taken before the first scrape count too.
/// </summary>
internal sealed class PrometheusExporter : IHostedService, IDisposable
{
    private readonly Meter _meter;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<Instrument, InstrumentSeries> _instruments = [];

    public PrometheusExporter(RenderQueueMetrics metrics)
    {
        _meter = metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, _meter)) return;
            lock (_gate) _instruments[instrument] = new InstrumentSeries(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_gate) _instruments.Remove(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable gauges, then writes every series.</summary>
    public string Scrape()
    {
        lock (_gate)
        {
            foreach (var series in _instruments.Values) series.ClearIfObserved();
        }
        _listener.RecordObservableInstruments();

        var writer = new PrometheusTextWriter();
        lock (_gate)
        {
            foreach (var series in _instruments.Values.OrderBy(s => s.Instrument.Name, StringComparer.Ordinal)) series.WriteTo(writer);
        }
        return writer.ToString();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels.From(tags);
        lock (_gate)
        {
            if (_instruments.TryGetValue(instrument, out var series)) series.Record(value, labels);
        }
    }
}
