using Microsoft.AspNetCore.Authorization;
using RenderQueue.Core.Keys;

namespace RenderQueue.Server.Auth;

/// <summary>The authorization policies route groups require, one per role (admin passes every one of them).</summary>
internal static class Policies
{
    /// <summary>Clients: submit, read and act on jobs, artifacts, events, stats.</summary>
    public const string Submit = "submit";

    /// <summary>Workers: register, heartbeat, leases, artifact uploads.</summary>
    public const string Worker = "worker";

    /// <summary>Management: queues, workers' drain, webhooks, keys, the dashboard.</summary>
    public const string Admin = "admin";

    /// <summary>Any valid key (metrics).</summary>
    public const string AnyKey = "any_key";

    public static AuthorizationBuilder AddRenderQueuePolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Submit, p => p.RequireRole(ApiKeyRole.Submit.ToWire(), ApiKeyRole.Admin.ToWire()))
        .AddPolicy(Worker, p => p.RequireRole(ApiKeyRole.Worker.ToWire(), ApiKeyRole.Admin.ToWire()))
        .AddPolicy(Admin, p => p.RequireRole(ApiKeyRole.Admin.ToWire()))
        .AddPolicy(AnyKey, p => p.RequireAuthenticatedUser())
        // An endpoint that names no policy still needs a key: forgetting one cannot open a route.
        .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

    /// <summary>The roles that pass a policy, for the 403 message.</summary>
    public static string RolesOf(string? policy) => policy switch
    {
        Submit => "submit or admin",
        Worker => "worker or admin",
        Admin => "admin",
        _ => "any",
    };
}
