using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using System.Text.Json.Serialization;
using RenderQueue.Core.Json;
using RenderQueue.Server.Artifacts;
using RenderQueue.Server.Background;
using RenderQueue.Server.Dispatch;
using RenderQueue.Server.Errors;
using RenderQueue.Server.Events;
using RenderQueue.Server.Health;
using RenderQueue.Server.Metrics;

namespace RenderQueue.Server.Configuration;

/// <summary>The server's parts, one registration each, in the order Program.cs names them.</summary>
internal static class ServerServices
{
    public static IServiceCollection AddRenderQueueOptions(this IServiceCollection services) => services
        .AddValidatedOptions<LeaseOptions>(LeaseOptions.Section)
        .AddValidatedOptions<SchedulerOptions>(SchedulerOptions.Section)
        .AddValidatedOptions<RetentionOptions>(RetentionOptions.Section)
        .AddValidatedOptions<LimitsOptions>(LimitsOptions.Section)
        .AddValidatedOptions<ArtifactOptions>(ArtifactOptions.Section)
        .AddValidatedOptions<EventOptions>(EventOptions.Section);

    /// <summary>snake_case JSON that refuses unknown fields, and problem details for every error.</summary>
    public static IServiceCollection AddRenderQueueHttp(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(o =>
        {
            RenderQueueJson.Configure(o.SerializerOptions);
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDefaults.Apply);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        return services;
    }

    public static IServiceCollection AddLeaseDispatch(this IServiceCollection services) => services
        .AddSingleton<WorkerDirectory>()
        .AddSingleton<LeaseDispatcher>();

    public static IServiceCollection AddEventFeed(this IServiceCollection services)
    {
        services.AddSingleton<EventHub>();
        services.AddHostedService(p => p.GetRequiredService<EventHub>());
        services.AddTransient<EventSocketSession>();
        services.AddOptions<WebSocketOptions>().Configure<IOptions<EventOptions>>((ws, events) => ws.KeepAliveInterval = events.Value.KeepAliveInterval);
        return services;
    }

    public static IServiceCollection AddArtifactStorage(this IServiceCollection services) => services.AddSingleton<ArtifactStorage>();

    public static IServiceCollection AddRenderQueueMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<JobStatsCache>();
        services.AddSingleton<RenderQueueMetrics>();
        services.AddSingleton<PrometheusExporter>();
        services.AddHostedService(p => p.GetRequiredService<PrometheusExporter>());
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [StoreHealthCheck.ReadyTag]);
        return services;
    }

    public static IServiceCollection AddHousekeeping(this IServiceCollection services)
    {
        services.AddHostedService<LeaseReaper>();
        services.AddSingleton<JobScheduler>();
        services.AddHostedService(p => p.GetRequiredService<JobScheduler>());
        services.AddSingleton<IJobEventListener>(p => p.GetRequiredService<JobScheduler>());
        services.AddHostedService<RetentionCleaner>();
        return services;
    }
}
