using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using RenderQueue.Processes;

namespace RenderQueue.Storage.Sqlite.Tests;

/// <summary>Every checkpoint is measured with its mode, so a latency stall can be matched with the checkpoint that caused it.</summary>
public sealed class CheckpointerTests : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-checkpointer");

    [Fact]
    public void A_passive_checkpoint_and_a_restart_past_the_log_limit_are_recorded_with_their_mode()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = _folder.File("db.sqlite"), Pooling = false }.ToString();
        // The writer stays open: the last connection to close would checkpoint and delete the log itself.
        using var writer = new SqliteConnection(connectionString);
        writer.Open();
        using (var command = writer.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (x BLOB); INSERT INTO t VALUES (zeroblob(200000));";
            command.ExecuteNonQuery();
        }
        using var meter = new Meter("checkpointer-test");
        var recorded = new List<(double Seconds, string? Mode)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter == meter) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => recorded.Add((value, tags.ToArray().Single(t => t.Key == "mode").Value as string)));
        listener.Start();

        // A log limit of one byte: the passive checkpoint leaves a log over it, so a restarting one follows.
        using (var checkpointer = new Checkpointer(connectionString, fullSync: false, TimeSpan.FromHours(1), maxWalBytes: 1, NullLogger.Instance, meter))
            checkpointer.RunOnce();

        Assert.Equal(["passive", "restart"], recorded.Select(r => r.Mode));
        Assert.All(recorded, r => Assert.True(r.Seconds >= 0));
    }

    public void Dispose() => _folder.Dispose();
}
