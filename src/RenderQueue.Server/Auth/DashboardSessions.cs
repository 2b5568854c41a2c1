using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Keys;
using RenderQueue.Server.Configuration;

namespace RenderQueue.Server.Auth;

/// <summary>A dashboard login: which admin key opened it, until when, and the CSRF token its requests must carry.</summary>
internal sealed record DashboardSession(string KeyId, DateTimeOffset ExpiresAt, string CsrfToken);

/// <summary>
/// Dashboard sessions as cookies that never hold the key: the key id, the expiry and a random CSRF token, encrypted
/// and authenticated with ASP.NET Data Protection. The key is looked up on every request (cached for seconds), so
/// revoking it ends its sessions; the CSRF token is handed to the page's script by the login answer and
/// <c>GET /api/v1/session</c>, which another site's page cannot read.
/// </summary>
internal sealed class DashboardSessions(IDataProtectionProvider protection, TimeProvider time, IOptions<AuthOptions> options)
{
    public const string CookieName = "rq_session";
    public const string CsrfHeader = "X-CSRF-Token";

    private readonly IDataProtector _protector = protection.CreateProtector("RenderQueue.DashboardSession.v1");

    public (string Cookie, DashboardSession Session) Open(ApiKeyRecord key)
    {
        var session = new DashboardSession(key.Id, time.GetUtcNow() + options.Value.SessionDuration, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));
        var text = string.Join('|', session.KeyId, session.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), session.CsrfToken);
        return (_protector.Protect(text), session);
    }

    /// <summary>The session in a cookie; null when it was not made here (or by a node sharing the key ring), was altered, or expired.</summary>
    public DashboardSession? Read(string cookie)
    {
        string text;
        try
        {
            text = _protector.Unprotect(cookie);
        }
        catch (Exception e) when (e is CryptographicException or FormatException) // altered, foreign, or not even base64url
        {
            return null;
        }
        var parts = text.Split('|');
        if (parts.Length != 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return null;
        var session = new DashboardSession(parts[0], DateTimeOffset.FromUnixTimeSeconds(expires), parts[2]);
        return session.ExpiresAt > time.GetUtcNow() ? session : null;
    }

    /// <summary>
    /// HttpOnly (no script reads it), SameSite=Strict (no other site's request carries it), Secure over HTTPS: HTTPS
    /// to this server, or to a proxy in front that says so with <c>X-Forwarded-Proto: https</c> (believing a false
    /// claim only keeps the cookie off plain HTTP, so the header needs no trust).
    /// </summary>
    public static CookieOptions CookieOptions(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps || string.Equals(request.Headers["X-Forwarded-Proto"].FirstOrDefault(), "https", StringComparison.OrdinalIgnoreCase),
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    public static bool CsrfTokenMatches(DashboardSession session, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(session.CsrfToken), Encoding.UTF8.GetBytes(presented));
}
