namespace RenderQueue.Server.Configuration;

/// <summary>Which store holds the jobs (configuration section <c>Store</c>).</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";
    public const string Sqlite = "sqlite";

    /// <summary><c>sqlite</c> (default): one file, zero setup.</summary>
    public string Kind { get; set; } = Sqlite;
}
