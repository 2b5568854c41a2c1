using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Copies the write-ahead log back into the database on its own connection, every interval, in PASSIVE
/// mode (it never blocks the writer or readers). The writer's automatic checkpoint is off, so no commit
/// ever pays for a checkpoint: that keeps the tail latency of leases and completes flat.
/// A passive checkpoint can only let the log start over when it catches the writer idle; under a sustained write
/// load it never does, so once the log holds more than its limit a RESTART checkpoint makes writers wait while it
/// copies the few frames the passive one left and the readers finish; the next commit then writes the log from its
/// start, so the file stops growing at about the limit. (A TRUNCATE checkpoint also shrank the file to nothing, and
/// the truncation and the file growing back cost writers ~190 ms every few seconds under a steady 300 jobs/s: the
/// pickup p99.)
/// This is I/O housekeeping on the wall clock, not job time, so it does not use the store's TimeProvider.
/// </summary>
internal sealed partial class Checkpointer : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private readonly PeriodicTimer _timer;
    private readonly long _maxWalBytes;
    private readonly long _pageSize;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private readonly Histogram<double>? _durations;

    /// <summary>From a millisecond (an idle log) to a few seconds (a large log on a slow disk).</summary>
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    // meter: where each checkpoint is recorded with how long it took and its mode (checkpoint.duration), so a latency
    // stall can be matched with one; null for none.
    public Checkpointer(string connectionString, bool fullSync, TimeSpan interval, long maxWalBytes, ILogger logger, Meter? meter = null)
    {
        _durations = meter?.CreateHistogram("checkpoint.duration", "s",
            "WAL checkpoints and how long each took (mode passive, or restart: writers waited for it).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Schema.Configure(_connection, fullSync);
        _pageSize = Pragma("page_size");
        _maxWalBytes = maxWalBytes;
        _timer = new PeriodicTimer(interval);
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>One passive checkpoint, then a restarting one if the log is past its limit.</summary>
    public void RunOnce()
    {
        lock (_gate)
        {
            var logBytes = Measured("PASSIVE").Frames * _pageSize;
            if (logBytes <= _maxWalBytes) return;
            Log.Restarted(_logger, logBytes >> 20, Measured("RESTART").Took.TotalMilliseconds);
        }
    }

    private async Task RunAsync()
    {
        while (await _timer.WaitForNextTickAsync())
        {
            try
            {
                RunOnce();
            }
            catch (SqliteException error)
            {
                Log.CheckpointFailed(_logger, error);
            }
        }
    }

    /// <summary>A checkpoint of the timer's, recorded with its mode and how long it took.</summary>
    private (long Frames, TimeSpan Took) Measured(string mode)
    {
        var started = Stopwatch.GetTimestamp();
        var frames = Checkpoint(mode);
        var took = Stopwatch.GetElapsedTime(started);
        _durations?.Record(took.TotalSeconds, new KeyValuePair<string, object?>("mode", mode.ToLowerInvariant()));
        return (frames, took);
    }

    /// <summary>Runs a checkpoint; returns the frames the log held (SQLite's second result column).</summary>
    private long Checkpoint(string mode)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        using var result = command.ExecuteReader();
        return result.Read() ? Math.Max(0, result.GetInt64(1)) : 0;
    }

    private long Pragma(string name)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _timer.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(10));
        try
        {
            lock (_gate) Checkpoint("TRUNCATE");
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

        [LoggerMessage(11, LogLevel.Information, "The SQLite write-ahead log reached {Megabytes} MiB under constant writes; writers waited {Milliseconds:0} ms while it was copied back to start over")]
        public static partial void Restarted(ILogger logger, long megabytes, double milliseconds);
    }
}
