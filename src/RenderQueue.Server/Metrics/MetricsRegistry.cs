using System.Diagnostics.Metrics;
using Prometheus;

namespace RenderQueue.Server.Metrics;

/// <summary>
/// This host's Prometheus registry: RenderQueue's own series, prometheus-net's process and GC series, and the .NET
/// meters that describe this host — the runtime's (<c>System.Runtime</c>, process-wide by nature) and ASP.NET Core's
/// HTTP and Kestrel meters, which come from this host's <see cref="IMeterFactory"/>. Nothing is put in prometheus-net's
/// static default registry, so two hosts in one process (the tests) never see each other's series.
/// Built when <c>/metrics</c> is mapped, at start-up, so the meters are followed from the first request on.
/// </summary>
internal sealed class MetricsRegistry : IDisposable
{
    private const string RuntimeMeter = "System.Runtime";

    private readonly IDisposable _meters;

    public MetricsRegistry(IMeterFactory meters)
    {
        DotNetStats.Register(Registry);
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _meters = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            MetricFactory = Factory, // without it the adapter writes to the static default registry
            InstrumentFilterPredicate = i => ReferenceEquals(i.Meter.Scope, meters) || i.Meter.Name == RuntimeMeter,
            ResolveHistogramBuckets = i => (i as Histogram<double>)?.Advice?.HistogramBucketBoundaries?.ToArray()
                ?? MeterAdapterOptions.DefaultHistogramBuckets,
        });
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public IMetricFactory Factory { get; }

    public void Dispose() => _meters.Dispose();
}
