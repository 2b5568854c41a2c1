using Microsoft.Data.Sqlite;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Processes;
using Microsoft.Extensions.Time.Testing;

namespace RenderQueue.Storage.Sqlite.Tests;

/// <summary>Databases written by earlier versions open, and what the state sets render is brought in line.</summary>
public sealed class SqliteSchemaTests : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-sqlite");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_finished_index_made_before_the_state_sets_is_rebuilt_from_them_and_used()
    {
        var path = _folder.File($"{Guid.NewGuid():N}.db");
        string jobId;
        using (var store = Open(path))
        {
            jobId = (await store.EnqueueAsync([Job()], CancellationToken.None)).Single().Job.Id;
            await store.CancelAsync(jobId, null, CancellationToken.None);
        }
        using (var connection = Connect(path))
        {
            // The index as the first schema wrote it, comparing the state number.
            Execute(connection, "DROP INDEX ix_jobs_finished; CREATE INDEX ix_jobs_finished ON jobs(finished_at) WHERE state >= 3;");
        }

        using var reopened = Open(path);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal([jobId], await reopened.PurgeFinishedAsync(_time.GetUtcNow(), 10, CancellationToken.None));

        using var check = Connect(path);
        var index = (string)Scalar(check, "SELECT sql FROM sqlite_master WHERE name = 'ix_jobs_finished'")!;
        Assert.EndsWith($"WHERE state IN ({string.Join(", ", JobStates.Finished.Select(s => (int)s))})", index);
        var purge = reopened.PreparedStatements.Single(sql => sql.Contains("finished_at < $1", StringComparison.Ordinal) && sql.Contains("FROM jobs", StringComparison.Ordinal));
        Assert.Contains("ix_jobs_finished", Plan(check, purge));
    }

    [Fact]
    public async Task A_database_from_before_trace_context_upgrades_and_keeps_its_jobs()
    {
        string path, oldJobId;
        using (var store = Open(_folder.File("old.db")))
        {
            path = store.DatabasePath;
            oldJobId = (await store.EnqueueAsync([Job()], CancellationToken.None)).Single().Job.Id;
        }
        using (var connection = Connect(path))
        {
            // What a file written by the previous release looks like: schema version 2, no trace columns (nor what later
            // steps add).
            Execute(connection, UndoOfferedAt + UndoQueueSettings + UndoLargerGpuWait + UndoPlacement + "ALTER TABLE jobs DROP COLUMN trace_parent; ALTER TABLE jobs DROP COLUMN trace_state; PRAGMA user_version = 2;");
        }

        using var upgraded = Open(path);
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var traced = (await upgraded.EnqueueAsync([Job() with { TraceParent = traceParent }], CancellationToken.None)).Single().Job;

        Assert.Null((await upgraded.GetAsync(oldJobId, CancellationToken.None))!.TraceParent);
        Assert.Equal(traceParent, (await upgraded.GetAsync(traced.Id, CancellationToken.None))!.TraceParent);
        Assert.Equal(Schema.Version, upgraded.ReadPragma("user_version"));
    }

    /// <summary>What the affinity offer step (version 7) added, undone.</summary>
    private const string UndoOfferedAt = "ALTER TABLE jobs DROP COLUMN offered_at; ";

    /// <summary>What the queue-settings step (version 6) added, undone.</summary>
    private const string UndoQueueSettings =
        "ALTER TABLE queues DROP COLUMN weight; ALTER TABLE queues DROP COLUMN max_running; ALTER TABLE queues DROP COLUMN pass; DROP TABLE fair_share; ";

    /// <summary>What the larger-GPU wait step (version 5) added, undone.</summary>
    private const string UndoLargerGpuWait = "DROP INDEX ix_jobs_gpu_wait; ALTER TABLE jobs DROP COLUMN gpu_wait_mb; ";

    /// <summary>What the placement step (version 4) added, undone.</summary>
    private const string UndoPlacement =
        """
        DROP TRIGGER tr_ready_models_insert; DROP TRIGGER tr_ready_models_update; DROP TRIGGER tr_ready_models_delete;
        DROP TABLE ready_models; DROP INDEX ix_jobs_gpu;
        ALTER TABLE jobs DROP COLUMN affinity; ALTER TABLE jobs DROP COLUMN gpu; ALTER TABLE jobs DROP COLUMN reserved_vram_mb;
        """;

    [Fact]
    public async Task A_database_from_before_GPU_placement_upgrades_and_its_jobs_lease_on_slots()
    {
        string path, oldJobId;
        using (var store = Open(_folder.File("before-placement.db")))
        {
            path = store.DatabasePath;
            oldJobId = (await store.EnqueueAsync([Job() with { Requirements = new JobRequirements(MinVramMb: 20_000) }], CancellationToken.None)).Single().Job.Id;
        }
        using (var connection = Connect(path))
        {
            Execute(connection, UndoOfferedAt + UndoQueueSettings + UndoLargerGpuWait + UndoPlacement + "PRAGMA user_version = 3;");
        }

        using var upgraded = Open(path);
        var gpu = new AssignedGpu(0, "RTX 4090", 24_564);
        var request = new Core.Storage.LeaseRequest
        {
            WorkerId = "w",
            Types = ["simulated"],
            Slots = [Core.Storage.LeaseSlot.On("w", gpu)],
            LeaseDuration = TimeSpan.FromSeconds(30),
        };
        await upgraded.EnqueueAsync([Job() with { Requirements = new JobRequirements(MinVramMb: 20_000) }], CancellationToken.None);

        var leased = Assert.Single(await upgraded.LeaseAsync(request, CancellationToken.None));
        Assert.Equal(oldJobId, leased.Id);
        Assert.Equal(gpu, leased.AssignedGpu);
        Assert.Empty(await upgraded.LeaseAsync(request, CancellationToken.None)); // the old job reserves its GPU
        Assert.Equal(Schema.Version, upgraded.ReadPragma("user_version"));
    }

    [Fact]
    public async Task A_database_from_before_queue_settings_upgrades_with_default_settings()
    {
        string path;
        using (var store = Open(_folder.File("settings.db")))
        {
            path = store.DatabasePath;
            await store.EnqueueAsync([Job(), Job()], CancellationToken.None);
        }
        using (var connection = Connect(path))
        {
            Execute(connection, UndoOfferedAt + UndoQueueSettings + "PRAGMA user_version = 5;");
        }

        using var upgraded = Open(path);
        var queue = (await upgraded.ListQueuesAsync(CancellationToken.None)).Single();
        Assert.Equal((2L, 1, (int?)null), (queue.Counts.Queued, queue.Weight, queue.MaxRunning));

        await upgraded.UpdateQueueSettingsAsync(queue.Name, new QueueSettingsChange { Weight = 2 }, CancellationToken.None);
        await upgraded.EnqueueAsync([Job() with { Queue = "other" }], CancellationToken.None);
        var request = new LeaseRequest { WorkerId = "w", Types = ["simulated"], LeaseDuration = TimeSpan.FromSeconds(30) };
        Assert.NotEmpty(await upgraded.LeaseAsync(request, CancellationToken.None)); // fair share reads what the step added
        Assert.Equal(Schema.Version, upgraded.ReadPragma("user_version"));
    }

    [Fact]
    public async Task A_database_from_before_affinity_offers_upgrades_and_holds_from_the_first_offer()
    {
        string path;
        var warmElsewhere = Job() with { Requirements = new JobRequirements(Models: ["sdxl.safetensors"]) };
        using (var store = Open(_folder.File("offers.db")))
        {
            path = store.DatabasePath;
            await store.EnqueueAsync([warmElsewhere], CancellationToken.None);
        }
        using (var connection = Connect(path))
        {
            Execute(connection, UndoOfferedAt + "PRAGMA user_version = 6;");
        }
        _time.Advance(TimeSpan.FromMinutes(1)); // long ready: only the offer starts its hold

        using var upgraded = Open(path);
        var cold = new LeaseRequest
        {
            WorkerId = "cold",
            Types = ["simulated"],
            Capabilities = new WorkerCapabilities([], ["sdxl.safetensors"], null),
            AffinityWait = TimeSpan.FromSeconds(3),
            FleetWarmModels = ["sdxl.safetensors"],
            LeaseDuration = TimeSpan.FromSeconds(30),
        };
        Assert.Empty(await upgraded.LeaseAsync(cold, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(warmElsewhere.Id, Assert.Single(await upgraded.LeaseAsync(cold, CancellationToken.None)).Id);
        Assert.Equal(Schema.Version, upgraded.ReadPragma("user_version"));
    }

    private SqliteJobStore Open(string path) => new(new SqliteStoreOptions { Path = path, CheckpointInterval = TimeSpan.FromHours(1) }, _time);

    private static SqliteConnection Connect(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    private static string Plan(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        for (var i = 1; i <= 2; i++) command.Parameters.AddWithValue("$" + i, 0);
        using var reader = command.ExecuteReader();
        var details = new List<string>();
        while (reader.Read()) details.Add(reader.GetString(3));
        return string.Join("; ", details);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private NewJob Job() => new()
    {
        Id = JobId.New(_time),
        Queue = "default",
        Type = "simulated",
        Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement,
    };

    public void Dispose() => _folder.Dispose();
}
