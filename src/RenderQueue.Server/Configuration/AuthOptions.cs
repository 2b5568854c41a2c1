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

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:KeyCacheDuration", KeyCacheDuration, TimeSpan.Zero, TimeSpan.FromMinutes(5));
}
