using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Keys;

namespace RenderQueue.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer rq_…</c>: the key is found by the id it carries and its SHA-256 compared
/// with the stored one in constant time. Without a header, the dashboard's session cookie (<see cref="DashboardSessions"/>)
/// authenticates as the admin key that logged in while that key is active; a server that has no active key at all lets
/// direct requests from its own machine in as admin (<see cref="LocalRequest"/>); anything else is anonymous.
/// Keys are never read from the query string, so none ends up in an access log.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder,
    ApiKeyDirectory keys, ProcessCredential process, DashboardSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Where a refusal's reason waits for the 401 problem (<see cref="ProblemAuthorizationResultHandler"/>).</summary>
    public const string FailureItem = "rq:auth_failure";

    /// <summary>The <see cref="DashboardSession"/> that authenticated the request, for the CSRF check.</summary>
    public const string SessionItem = "rq:session";

    /// <summary>The authentication type of a principal from a session cookie.</summary>
    public const string SessionAuthenticationType = "session";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return Request.Cookies[DashboardSessions.CookieName] is { } cookie && await keys.AnyActiveAsync(Context.RequestAborted)
                ? await AuthenticateSessionAsync(cookie)
                : await AuthenticateLocalAsync();
        }
        const string Bearer = "Bearer ";
        if (headers.Count > 1 || headers[0] is not { } header || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
            return Refuse("Send the API key as 'Authorization: Bearer rq_…'.");

        var presented = header[Bearer.Length..].Trim();
        if (process.Matches(presented))
            return Success(RenderQueuePrincipal.Create(SchemeName, null, "process", ApiKeyRole.Admin));
        if (!ApiKeyText.TryReadId(presented, out var id)) return Refuse("That is not a RenderQueue API key (they look like rq_…, 63 characters).");

        var key = await keys.FindAsync(id, Context.RequestAborted);
        if (key is null || !ApiKeyText.Matches(presented, key.Hash))
        {
            Log.UnknownKey(Logger, id);
            return Refuse("The API key is not valid.");
        }
        if (!key.IsActive)
        {
            Log.RevokedKey(Logger, key.Id, key.Name);
            return Refuse($"The API key '{key.Id}' was revoked.");
        }
        return Success(RenderQueuePrincipal.For(key, SchemeName));
    }

    private async Task<AuthenticateResult> AuthenticateSessionAsync(string cookie)
    {
        if (sessions.Read(cookie) is not { } session) return Refuse("The dashboard session has expired or is not valid on this server; log in again.");
        var key = await keys.FindAsync(session.KeyId, Context.RequestAborted);
        if (key is not { IsActive: true, Role: ApiKeyRole.Admin })
            return Refuse($"The key '{session.KeyId}' this dashboard session was opened with is no longer an active admin key; log in again.");
        Context.Items[SessionItem] = session;
        return Success(RenderQueuePrincipal.For(key, SessionAuthenticationType));
    }

    private async Task<AuthenticateResult> AuthenticateLocalAsync()
    {
        if (await keys.AnyActiveAsync(Context.RequestAborted)) return AuthenticateResult.NoResult();
        if (LocalRequest.WhyNotDirect(Context) is { } why)
        {
            return Refuse($"This server has no API keys yet, so it answers only direct requests from its own machine, and this request is not one: {why}. "
                + "Create an admin key (RenderQueue.Server keys create --role admin --name you) and send it as 'Authorization: Bearer rq_…'.");
        }
        return Success(RenderQueuePrincipal.Local(SchemeName));
    }

    private AuthenticateResult Success(System.Security.Claims.ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));

    private AuthenticateResult Refuse(string reason)
    {
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Refused an API key with id {KeyId}: no such key, or the secret does not match")]
        public static partial void UnknownKey(ILogger logger, string keyId);

        [LoggerMessage(2, LogLevel.Warning, "Refused the revoked API key {KeyId} ({KeyName})")]
        public static partial void RevokedKey(ILogger logger, string keyId, string keyName);
    }
}
