using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RenderQueue.Worker.Runtime;

namespace RenderQueue.Worker.Configuration;

/// <summary>The OpenTelemetry SDK, at the worker's hosting edge only: OTLP export of job runs and their HTTP calls.</summary>
internal static class WorkerTracingRegistration
{
    public const string StandardEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddWorkerTracing(this IServiceCollection services, IConfiguration configuration)
    {
        // Anything but an absolute URL stops the start in validation, with the key named.
        var endpoint = configuration.GetSection(WorkerSetupValidator.TracingSection).Get<TracingOptions>()?.OtlpEndpoint is { IsAbsoluteUri: true } url ? url : null;
        if (endpoint is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(StandardEndpointVariable))) return services;

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("renderqueue-worker"))
            .WithTracing(tracing => tracing
                .AddSource(WorkerTracing.SourceName)
                .AddHttpClientInstrumentation()
                .SetSampler(new ParentBasedSampler(new JobRunsOnly()))
                .AddOtlpExporter(o =>
                {
                    if (endpoint is not null) o.Endpoint = endpoint; // else the exporter reads OTEL_EXPORTER_OTLP_* itself
                }));
        return services;
    }

    /// <summary>
    /// A trace starts only at a job's run: HTTP calls inside it are recorded as its children, while the lease long-polls,
    /// heartbeats and model refreshes outside any job would each make a trace of their own every few seconds.
    /// </summary>
    private sealed class JobRunsOnly : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            new(samplingParameters.Name == WorkerTracing.JobRunName ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
    }
}
