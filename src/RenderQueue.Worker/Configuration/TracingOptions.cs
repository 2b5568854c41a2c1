namespace RenderQueue.Worker.Configuration;

/// <summary>Tracing (<c>Worker:Tracing</c>): off unless an OTLP endpoint is given.</summary>
internal sealed class TracingOptions
{
    /// <summary>
    /// Where spans go over OTLP, e.g. <c>http://jaeger:4317</c>. None by default: tracing is off unless this or the
    /// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set (the exporter then reads <c>OTEL_EXPORTER_OTLP_*</c>).
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }
}
