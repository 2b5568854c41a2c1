namespace RenderQueue.Server.Configuration;

/// <summary>API keys (configuration section <c>Auth</c>).</summary>
public sealed class AuthOptions : IValidatedOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// How long a node trusts what it last read about a key (and whether any key exists) before it reads the store
    /// again. A key revoked on another node, or with the <c>keys</c> command, stops working within this. Default 5 s.
    /// </summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a dashboard login lasts before the dashboard asks for the admin key again. Default 12 h.</summary>
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Where the ASP.NET Data Protection key ring that signs and encrypts dashboard session cookies is kept. Servers
    /// behind one proxy must share it (a shared folder), or a session opened on one node is refused by the others.
    /// Default: the framework's (<c>~/.aspnet/DataProtection-Keys</c>).
    /// </summary>
    public string? SessionKeyFolder { get; set; }

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:KeyCacheDuration", KeyCacheDuration, TimeSpan.Zero, TimeSpan.FromMinutes(5))
            .Concat(ValidatedOptions.Range($"{section}:SessionDuration", SessionDuration, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30)));
}
