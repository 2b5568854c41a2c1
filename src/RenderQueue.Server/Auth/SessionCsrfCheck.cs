using Microsoft.AspNetCore.Mvc;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Auth;

/// <summary>
/// CSRF protection for requests the dashboard's session cookie authenticated (a bearer key is never sent by a browser
/// on its own, so those need none): a state-changing request must carry the session's <c>X-CSRF-Token</c>, and a
/// request a browser marks as coming from another site (<c>Origin</c>, <c>Sec-Fetch-Site</c>) is refused outright,
/// WebSocket handshakes included. SameSite=Strict already keeps the cookie off other sites' requests; this holds
/// even where that does not (an old browser, a sibling subdomain).
/// </summary>
internal static class SessionCsrfCheck
{
    public static IApplicationBuilder UseSessionCsrfCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Items[ApiKeyAuthenticationHandler.SessionItem] is DashboardSession session && WhyRefused(context, session) is { } why)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = 403, Title = "Forbidden", Detail = why, Type = ProblemTypes.Forbidden },
            });
            return;
        }
        await next(context);
    });

    private static string? WhyRefused(HttpContext context, DashboardSession session)
    {
        var request = context.Request;
        if (WhyCrossSite(request) is { } crossSite) return crossSite;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return null;
        return DashboardSessions.CsrfTokenMatches(session, request.Headers[DashboardSessions.CsrfHeader].FirstOrDefault())
            ? null
            : $"A {request.Method} made with the dashboard's session cookie needs the session's {DashboardSessions.CsrfHeader} header (reload the dashboard).";
    }

    /// <summary>Why a browser's request came from another site, or null. Requests without these headers (not from a browser) pass.</summary>
    public static string? WhyCrossSite(HttpRequest request)
    {
        if (request.Headers.Origin is [{ } origin, ..]
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)))
            return $"The request was sent by a page from {origin}, not by the dashboard.";
        if (request.Headers["Sec-Fetch-Site"] is [{ } site, ..] && site is not ("same-origin" or "none"))
            return $"A browser sent the request from another site (Sec-Fetch-Site: {site}).";
        return null;
    }
}
