using RenderQueue.Server.Configuration;

namespace RenderQueue.Server.Tracing;

/// <summary>Tracing (configuration section <c>Tracing</c>): off unless an OTLP endpoint is given.</summary>
public sealed class TracingOptions : IValidatedOptions
{
    public const string Section = "Tracing";

    /// <summary>The standard OpenTelemetry variable, honoured when <see cref="OtlpEndpoint"/> is not set.</summary>
    public const string StandardEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Where spans go over OTLP, e.g. <c>http://jaeger:4317</c> (gRPC; <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c> takes
    /// the full <c>…:4318/v1/traces</c> URL). None by default: tracing is off unless this or
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    public IEnumerable<string> Validate(string section)
    {
        if (OtlpEndpoint is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            yield return $"{section}:OtlpEndpoint must be an absolute http(s) URL; it is '{url}'.";
    }
}
