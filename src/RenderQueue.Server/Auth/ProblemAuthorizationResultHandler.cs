using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Auth;

/// <summary>
/// Answers a refused request with a problem: 401 (no key, or a bad one: says why) with <c>WWW-Authenticate: Bearer</c>,
/// or 403 (a valid key whose role may not do this: names the roles that may).
/// </summary>
internal sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"RenderQueue\"";
            var reason = context.Items[ApiKeyAuthenticationHandler.FailureItem] as string
                ?? "This endpoint needs an API key: send it as 'Authorization: Bearer rq_…'.";
            await WriteAsync(context, 401, "Unauthorized", reason, ProblemTypes.Unauthorized);
        }
        else if (authorizeResult.Forbidden)
        {
            var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToList();
            var who = context.User.Identity?.Name ?? "this caller";
            var role = string.Join(", ", context.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value));
            await WriteAsync(context, 403, "Forbidden",
                $"The key '{who}' has the role '{role}'; {context.Request.Method} {context.Request.Path} needs the role {string.Join(" or ", roles)}.",
                ProblemTypes.Forbidden);
        }
        else
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }

    private async Task WriteAsync(HttpContext context, int status, string title, string detail, string type)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = type },
        });
    }
}
