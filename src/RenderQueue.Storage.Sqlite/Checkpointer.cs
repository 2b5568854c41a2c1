using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Copies the write-ahead log back into the database on its own connection, every interval, in PASSIVE
/// mode (it never blocks the writer or readers). The writer's automatic checkpoint is off, so no commit
/// ever pays for a checkpoint: that keeps the tail latency of leases and completes flat.
/// This is I/O housekeeping on the wall clock, not job time, so it does not use the store's TimeProvider.
/// </summary>
internal sealed partial class Checkpointer : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly PeriodicTimer _timer;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public Checkpointer(string connectionString, bool fullSync, TimeSpan interval, ILogger logger)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Schema.Configure(_connection, fullSync);
        _timer = new PeriodicTimer(interval);
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        while (await _timer.WaitForNextTickAsync())
        {
            try
            {
                Checkpoint("PASSIVE");
            }
            catch (SqliteException error)
            {
                Log.CheckpointFailed(_logger, error);
            }
        }
    }

    private void Checkpoint(string mode)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _timer.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(10));
        try
        {
            Checkpoint("TRUNCATE");
        }
        catch (SqliteException error)
        {
            Log.CheckpointFailed(_logger, error);
        }
        _connection.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Warning, "A SQLite WAL checkpoint failed; it will be tried again")]
        public static partial void CheckpointFailed(ILogger logger, Exception error);
    }
}
