namespace RenderQueue.Server.Configuration;

/// <summary>The names in the configuration section <c>Store</c>, which chooses the store that holds the jobs.</summary>
public static class StoreSection
{
    public const string Section = "Store";

    /// <summary><c>Store:Kind</c>: <c>sqlite</c> (the default) or <c>redis</c>.</summary>
    public const string Kind = "Kind";

    /// <summary>One file, zero setup, one server node (<c>Store:Sqlite:*</c>).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>
    /// Several server nodes sharing one Redis: <c>Store:Redis</c> is a StackExchange.Redis configuration string
    /// (default <c>localhost:6379</c>); <c>Store:RedisOptions:*</c> holds the rest of the store's settings.
    /// </summary>
    public const string Redis = "redis";

    public const string RedisOptions = "RedisOptions";

    /// <summary>The keys the <c>Store</c> section may hold; anything else is a typo.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(["Kind", "Sqlite", "Redis", "RedisOptions"], StringComparer.OrdinalIgnoreCase);
}
