using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RenderQueue.Server.Configuration;

namespace RenderQueue.Server.Tracing;

/// <summary>The OpenTelemetry SDK, at the hosting edge only: OTLP export of the server's spans and its HTTP requests.</summary>
internal static class TracingRegistration
{
    public static IServiceCollection AddRenderQueueTracing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TracingOptions>(TracingOptions.Section);
        // Anything but an absolute URL stops the start in validation, with the key named.
        var endpoint = configuration.GetSection(TracingOptions.Section).Get<TracingOptions>()?.OtlpEndpoint is { IsAbsoluteUri: true } url ? url : null;
        if (endpoint is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TracingOptions.StandardEndpointVariable))) return services;

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("renderqueue-server"))
            .WithTracing(tracing => tracing
                .AddSource(ServerTracing.SourceName)
                // Probes and scrapes would bury the jobs' traces.
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"))
                .AddOtlpExporter(o =>
                {
                    if (endpoint is not null) o.Endpoint = endpoint; // else the exporter reads OTEL_EXPORTER_OTLP_* itself
                }));
        return services;
    }
}
