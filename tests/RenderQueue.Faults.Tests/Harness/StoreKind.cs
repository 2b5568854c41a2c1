namespace RenderQueue.Faults.Tests.Harness;

/// <summary>The store a fault bed's server runs on: SQLite in its data folder, or a real redis-server with AOF on.</summary>
public enum StoreKind
{
    Sqlite,
    Redis,
}
