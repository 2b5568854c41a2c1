using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RenderQueue.Core.Api;
using RenderQueue.Core.Keys;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Api;

/// <summary>
/// The dashboard's login: an admin key in, an HttpOnly SameSite=Strict session cookie and a CSRF token out; who the
/// caller is; logout. Bearer-key callers never need any of it.
/// </summary>
internal static class SessionApi
{
    public static RouteGroupBuilder MapSession(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/session").WithTags("Session");
        group.MapGet("/", Get).RequireKey(Policies.AnyKey);
        // Login checks the key itself; 503 when the store that holds the keys does not answer.
        group.MapPost("/", Login).AllowAnonymous().JsonBody().Problems(401, 403, 429, 503);
        group.MapDelete("/", Logout).AllowAnonymous().Problems(403, 429); // a session's logout passes the CSRF check first
        return group;
    }

    private static Ok<SessionInfo> Get(HttpContext context, ClaimsPrincipal user)
    {
        var role = ApiKeyRoles.TryParse(user.FindFirst(ClaimTypes.Role)?.Value, out var parsed) ? parsed : ApiKeyRole.Submit;
        var name = user.Identity?.Name ?? "";
        context.Response.Headers.CacheControl = "no-store";
        if (context.Items[ApiKeyAuthenticationHandler.SessionItem] is DashboardSession session)
            return TypedResults.Ok(new SessionInfo(name, role, "session", session.CsrfToken, session.ExpiresAt));
        return TypedResults.Ok(new SessionInfo(name, role, user.KeyId() is null && name == "local" ? "local" : "key"));
    }

    private static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext context, ApiKeyDirectory keys, DashboardSessions sessions, CancellationToken ct)
    {
        if (SessionCsrfCheck.WhyCrossSite(context.Request) is { } crossSite) return Problem(403, crossSite, ProblemTypes.Forbidden);
        var presented = request.Key?.Trim();
        if (presented is null || !ApiKeyText.TryReadId(presented, out var id))
            return Problem(401, "That is not a RenderQueue API key (they look like rq_…, 63 characters).", ProblemTypes.Unauthorized);
        var key = await keys.FindAsync(id, ct);
        if (key is null || !ApiKeyText.Matches(presented, key.Hash) || !key.IsActive)
            return Problem(401, "The API key is not valid, or was revoked.", ProblemTypes.Unauthorized);
        if (key.Role != ApiKeyRole.Admin)
            return Problem(403, $"The dashboard needs an admin key; '{key.Name}' is a {key.Role.ToWire()} key.", ProblemTypes.Forbidden);

        var (cookie, session) = sessions.Open(key);
        context.Response.Cookies.Append(DashboardSessions.CookieName, cookie, DashboardSessions.CookieOptions(context.Request, session.ExpiresAt));
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new SessionInfo(key.Name, key.Role, "session", session.CsrfToken, session.ExpiresAt));
    }

    private static NoContent Logout(HttpContext context)
    {
        context.Response.Cookies.Delete(DashboardSessions.CookieName, DashboardSessions.CookieOptions(context.Request, null));
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Problem(int status, string detail, string type) =>
        TypedResults.Problem(detail, statusCode: status, title: status == 401 ? "Unauthorized" : "Forbidden", type: type);
}
