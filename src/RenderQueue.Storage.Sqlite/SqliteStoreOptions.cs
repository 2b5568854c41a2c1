using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>Settings of the SQLite store (configuration section <c>Store:Sqlite</c>).</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file; relative paths are relative to the working directory. Default <c>data/renderqueue.db</c>.</summary>
    public string Path { get; set; } = "data/renderqueue.db";

    /// <summary>
    /// <c>synchronous=FULL</c>: a commit survives power loss, at the cost of an fsync per commit. The default,
    /// NORMAL, survives a process crash (<c>kill -9</c>) but may lose the last commits on power loss.
    /// </summary>
    public bool FullSync { get; set; }

    /// <summary>Most operations committed together in one transaction (group commit). Default 256.</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>How often the write-ahead log is copied back into the database, off the commit path. Default 1 s.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most the write-ahead log may hold before the checkpointer makes writers wait while it copies the log
    /// back and truncates it. Under a sustained write load the background (passive) checkpoints never find the log
    /// idle, so without a bound it grows without end, and every read pays for searching it. Default 256 MiB.
    /// </summary>
    public long MaxWalBytes { get; set; } = 256L << 20;

    /// <summary>Behaviour shared by every store.</summary>
    public JobStoreOptions Store { get; set; } = new();
}
