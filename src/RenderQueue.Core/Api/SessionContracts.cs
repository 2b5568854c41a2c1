using System.Text.Json.Serialization;
using RenderQueue.Core.Keys;

namespace RenderQueue.Core.Api;

/// <summary>The body of <c>POST /api/v1/session</c>: the dashboard's login with an admin key.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LoginRequest
{
    /// <summary>An admin API key (<c>rq_…</c>). It is checked, never stored in the cookie.</summary>
    public string? Key { get; init; }
}

/// <summary>Who a request speaks for: the answer to <c>GET /api/v1/session</c> and to a login.</summary>
/// <param name="Name">The key's name, or <c>local</c> on a server without keys.</param>
/// <param name="Role">The key's role.</param>
/// <param name="Via"><c>session</c> (the dashboard's cookie), <c>key</c> (a bearer key) or <c>local</c> (a server without keys, from its own machine).</param>
/// <param name="CsrfToken">With <c>session</c>: the value of <c>X-CSRF-Token</c> every state-changing request must carry.</param>
/// <param name="ExpiresAt">With <c>session</c>: when the login ends.</param>
public sealed record SessionInfo(string Name, ApiKeyRole Role, string Via, string? CsrfToken = null, DateTimeOffset? ExpiresAt = null);
