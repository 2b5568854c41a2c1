namespace RenderQueue.Core.Keys;

/// <summary>What an API key may do. Serialized in snake_case (<c>submit</c>, <c>worker</c>, <c>admin</c>).</summary>
public enum ApiKeyRole
{
    /// <summary>Clients: submit jobs, read and act on jobs, download artifacts, follow events.</summary>
    Submit = 0,

    /// <summary>Workers: register, heartbeat, lease, renew, complete, fail, release, upload artifacts.</summary>
    Worker = 1,

    /// <summary>Everything: the client and worker APIs, queues, workers, webhooks, keys and the dashboard.</summary>
    Admin = 2,
}

/// <summary>Wire names of <see cref="ApiKeyRole"/>.</summary>
public static class ApiKeyRoles
{
    /// <summary>The snake_case name used on the wire, in stores and in role claims.</summary>
    public static string ToWire(this ApiKeyRole role) => role switch
    {
        ApiKeyRole.Submit => "submit",
        ApiKeyRole.Worker => "worker",
        ApiKeyRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>Parses a wire name; false for anything else.</summary>
    public static bool TryParse(string? text, out ApiKeyRole role)
    {
        foreach (var candidate in Enum.GetValues<ApiKeyRole>())
        {
            if (string.Equals(candidate.ToWire(), text, StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }
}
