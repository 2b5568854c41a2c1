using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Health;
using Prometheus;
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
        // prometheus-net writes the answer (text, or OpenMetrics when the scraper asks for it) from this host's registry.
        routes.MapMetrics("/metrics", routes.ServiceProvider.GetRequiredService<MetricsRegistry>().Registry)
            .RequireAuthorization(Policies.AnyKey);
        return routes;
    }
}
