using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Health;
using RenderQueue.Server.Metrics;

namespace RenderQueue.Server.Api;

/// <summary>What operators and their tools call: liveness, readiness and Prometheus metrics.</summary>
internal static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder routes)
    {
        // Probes from load balancers and orchestrators carry no key; they learn nothing but up or down.
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync })
            .AllowAnonymous();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(StoreHealthCheck.ReadyTag),
            ResponseWriter = HealthResponse.WriteAsync,
        }).AllowAnonymous();
        routes.MapGet("/metrics", Metrics).WithTags("Operations").RequireAuthorization(Policies.AnyKey);
        return routes;
    }

    private static async Task<IResult> Metrics(JobStatsCache stats, PrometheusExporter exporter, CancellationToken ct)
    {
        await stats.RefreshAsync(ct); // gauges read the store's counters, at most once a second
        return TypedResults.Text(exporter.Scrape(), PrometheusTextWriter.ContentType);
    }
}
