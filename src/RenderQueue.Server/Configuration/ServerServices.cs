using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using System.Text.Json.Serialization;
using RenderQueue.Core.Json;
using RenderQueue.Server.Artifacts;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Background;
using RenderQueue.Server.Dispatch;
using RenderQueue.Server.Errors;
using RenderQueue.Server.Events;
using RenderQueue.Server.Health;
using RenderQueue.Server.Metrics;
using RenderQueue.Server.Webhooks;

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
        .AddValidatedOptions<EventOptions>(EventOptions.Section)
        .AddValidatedOptions<AuthOptions>(AuthOptions.Section)
        .AddValidatedOptions<WebhookOptions>(WebhookOptions.Section)
        .AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section);

    /// <summary>snake_case JSON that refuses unknown fields and overlong strings, Kestrel's limits, and problem details
    /// for every error.</summary>
    public static IServiceCollection AddRenderQueueHttp(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(o =>
        {
            RenderQueueJson.Configure(o.SerializerOptions);
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        services.AddOptions<JsonOptions>().Configure<IOptions<LimitsOptions>>((o, limits) => JsonStringLimit.AddTo(o.SerializerOptions, limits.Value.MaxJsonStringBytes));
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LimitsOptions>>((kestrel, limits) => KestrelLimits.Apply(kestrel.Limits, limits.Value));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDefaults.Apply);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        return services;
    }

    /// <summary>API keys (Bearer), role policies and per-caller rate limits; refusals are 401/403/429 problems.</summary>
    public static IServiceCollection AddRenderQueueAuth(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyDirectory>();
        services.AddSingleton<ProcessCredential>();
        services.AddSingleton<DashboardSessions>();
        services.AddDataProtection().SetApplicationName("RenderQueue");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<AuthOptions>, ILoggerFactory>((ring, auth, loggers) =>
        {
            if (auth.Value.SessionKeyFolder is { Length: > 0 } folder)
                ring.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(folder), loggers);
        });
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddRenderQueuePolicies();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddRequestRateLimits();
        services.AddHostedService<SafeBindingCheck>(); // after the store's own start-up checks
        return services;
    }

    public static IServiceCollection AddLeaseDispatch(this IServiceCollection services) => services
        .AddSingleton<WorkerDirectory>()
        .AddSingleton<FleetSnapshot>()
        .AddSingleton<FleetWarmModels>()
        .AddSingleton<LeaseDispatcher>();

    public static IServiceCollection AddEventFeed(this IServiceCollection services)
    {
        services.AddSingleton<EventHub>();
        services.AddHostedService(p => p.GetRequiredService<EventHub>());
        services.AddTransient<EventSocketSession>();
        services.AddOptions<WebSocketOptions>().Configure<IOptions<EventOptions>>((ws, events) =>
        {
            ws.KeepAliveInterval = events.Value.KeepAliveInterval;
            ws.KeepAliveTimeout = events.Value.KeepAliveTimeout;
        });
        return services;
    }

    public static IServiceCollection AddArtifactStorage(this IServiceCollection services) => services.AddSingleton<ArtifactStorage>();

    public static IServiceCollection AddRenderQueueMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<JobStatsCache>();
        services.AddSingleton<MetricsRegistry>();
        services.AddSingleton<RenderQueueMetrics>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [StoreHealthCheck.ReadyTag]);
        return services;
    }

    /// <summary>The SSRF guard, the signed sender and the dispatcher of the webhook outbox.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<WebhookTargetGuard>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookDispatcher>();
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
