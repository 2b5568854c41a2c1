using System.Security.Claims;
using RenderQueue.Core.Keys;

namespace RenderQueue.Server.Auth;

/// <summary>Who made a request: a key (its id, name and role), or the local user of a server without keys.</summary>
internal static class RenderQueuePrincipal
{
    /// <summary>The claim holding the key id; absent for local keyless requests.</summary>
    public const string KeyIdClaim = "rq:key_id";

    public static ClaimsPrincipal For(ApiKeyRecord key, string authenticationType) => Create(authenticationType, key.Id, key.Name, key.Role);

    /// <summary>A request on a server without keys, from this machine: it may do everything, as the admin would.</summary>
    public static ClaimsPrincipal Local(string authenticationType) => Create(authenticationType, null, "local", ApiKeyRole.Admin);

    public static ClaimsPrincipal Create(string authenticationType, string? keyId, string name, ApiKeyRole role)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(ClaimTypes.Role, role.ToWire()) };
        if (keyId is not null) claims.Add(new Claim(KeyIdClaim, keyId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }

    /// <summary>The key id of the caller, or null.</summary>
    public static string? KeyId(this ClaimsPrincipal user) => user.FindFirst(KeyIdClaim)?.Value;

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(ApiKeyRole.Admin.ToWire());
}
