using Microsoft.Data.Sqlite;

namespace RenderQueue.Storage.Sqlite;

/// <summary>Creates and upgrades the database. Versions only move forward; each step runs once.</summary>
internal static class Schema
{
    // Steps are history: a database past a step never runs it again, so a step's text must not change what it makes.
    // What depends on the state sets (the finished index, per-state counters) is brought in line by ApplyStates.
    private static readonly string[] Steps =
    [
        $"""
        CREATE TABLE jobs (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            queue TEXT NOT NULL,
            type TEXT NOT NULL,
            state INTEGER NOT NULL,
            priority INTEGER NOT NULL,
            run_at INTEGER,
            queued_at INTEGER,
            lease_expires_at INTEGER,
            deadline INTEGER,
            finished_at INTEGER,
            batch_key TEXT,
            idempotency_key TEXT,
            requirements TEXT,
            payload TEXT NOT NULL,
            body TEXT NOT NULL
        );
        CREATE UNIQUE INDEX ix_jobs_idempotency ON jobs(idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX ix_jobs_ready ON jobs(queue, type, priority DESC, seq) WHERE {StateSql.IsQueued};
        CREATE INDEX ix_jobs_ready_batch ON jobs(batch_key, seq) WHERE {StateSql.IsQueued} AND batch_key IS NOT NULL;
        CREATE INDEX ix_jobs_scheduled ON jobs(run_at) WHERE {StateSql.IsScheduled};
        CREATE INDEX ix_jobs_leases ON jobs(lease_expires_at) WHERE {StateSql.IsRunning};
        CREATE INDEX ix_jobs_deadlines ON jobs(deadline) WHERE {StateSql.IsRunning} AND deadline IS NOT NULL;
        CREATE INDEX ix_jobs_state ON jobs(state, seq);
        CREATE INDEX ix_jobs_queue_state ON jobs(queue, state, seq);
        CREATE INDEX ix_jobs_type_state ON jobs(type, state, seq);

        CREATE TABLE queues (
            name TEXT PRIMARY KEY,
            paused INTEGER NOT NULL DEFAULT 0,
            scheduled INTEGER NOT NULL DEFAULT 0,
            queued INTEGER NOT NULL DEFAULT 0,
            running INTEGER NOT NULL DEFAULT 0,
            succeeded INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            canceled INTEGER NOT NULL DEFAULT 0,
            total_submitted INTEGER NOT NULL DEFAULT 0,
            total_succeeded INTEGER NOT NULL DEFAULT 0,
            total_failed INTEGER NOT NULL DEFAULT 0,
            total_canceled INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;

        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at INTEGER NOT NULL,
            body TEXT NOT NULL
        );
        CREATE INDEX ix_events_at ON events(at);

        CREATE TABLE durations (
            queue TEXT NOT NULL,
            type TEXT NOT NULL,
            mean_ms REAL NOT NULL,
            samples INTEGER NOT NULL,
            PRIMARY KEY (queue, type)
        ) WITHOUT ROWID;

        CREATE TABLE activity (
            minute INTEGER NOT NULL,
            queue TEXT NOT NULL,
            submitted INTEGER NOT NULL DEFAULT 0,
            started INTEGER NOT NULL DEFAULT 0,
            succeeded INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            canceled INTEGER NOT NULL DEFAULT 0,
            depth INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (minute, queue)
        ) WITHOUT ROWID;

        CREATE TABLE activity_waits (
            minute INTEGER NOT NULL,
            queue TEXT NOT NULL,
            bucket INTEGER NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (minute, queue, bucket)
        ) WITHOUT ROWID;

        CREATE TABLE activity_failures (
            minute INTEGER NOT NULL,
            queue TEXT NOT NULL,
            class TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (minute, queue, class)
        ) WITHOUT ROWID;

        CREATE TABLE workers (
            id TEXT PRIMARY KEY,
            last_seen_at INTEGER NOT NULL,
            body TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
        $"""
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            hash TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        ) WITHOUT ROWID;

        CREATE TABLE webhook_subscriptions (
            id TEXT PRIMARY KEY,
            queue TEXT,
            created_at INTEGER NOT NULL,
            disabled_at INTEGER,
            body TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id TEXT NOT NULL,
            state INTEGER NOT NULL,
            next_attempt_at INTEGER,
            finished_at INTEGER,
            failure_reason TEXT,
            body TEXT NOT NULL
        );
        CREATE INDEX ix_webhook_due ON webhook_deliveries(next_attempt_at) WHERE {StateSql.DeliveryIsPending};
        CREATE INDEX ix_webhook_finished ON webhook_deliveries(finished_at) WHERE {StateSql.DeliveryIsFinished};
        CREATE INDEX ix_webhook_job ON webhook_deliveries(job_id, id);

        CREATE TABLE webhook_attempts (
            delivery_id INTEGER NOT NULL,
            number INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (delivery_id, number)
        ) WITHOUT ROWID;

        CREATE TABLE webhook_progress (
            job_id TEXT PRIMARY KEY,
            at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // The submit's trace context, written once like the payload; older files upgrade with none on their jobs.
        """
        ALTER TABLE jobs ADD COLUMN trace_parent TEXT;
        ALTER TABLE jobs ADD COLUMN trace_state TEXT;
        """,
        // Placement on GPUs (issue 16). affinity: the job's affinity models, folded, as a JSON array (null: none),
        // written once at submit. gpu and reserved_vram_mb: the GPU a running attempt is placed on and the VRAM it
        // reserves there, both derived from the job on every write (null once it leaves running), so every way out
        // of running frees the reservation. ready_models: queued jobs by affinity model, kept by triggers, so a warm
        // slot finds its oldest warm job by index. Older files upgrade with no affinity on their jobs.
        $"""
        ALTER TABLE jobs ADD COLUMN affinity TEXT;
        ALTER TABLE jobs ADD COLUMN gpu TEXT;
        ALTER TABLE jobs ADD COLUMN reserved_vram_mb INTEGER;
        CREATE INDEX ix_jobs_gpu ON jobs(gpu) WHERE gpu IS NOT NULL;

        CREATE TABLE ready_models (
            model TEXT NOT NULL,
            queue TEXT NOT NULL,
            type TEXT NOT NULL,
            priority INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (model, queue, type, priority, seq)
        ) WITHOUT ROWID;
        CREATE TRIGGER tr_ready_models_insert AFTER INSERT ON jobs
        WHEN NEW.affinity IS NOT NULL AND NEW.{StateSql.IsQueued}
        BEGIN
            INSERT INTO ready_models SELECT value, NEW.queue, NEW.type, NEW.priority, NEW.seq FROM json_each(NEW.affinity);
        END;
        CREATE TRIGGER tr_ready_models_update AFTER UPDATE OF state, priority ON jobs
        WHEN NEW.affinity IS NOT NULL AND (OLD.{StateSql.IsQueued} OR NEW.{StateSql.IsQueued})
        BEGIN
            DELETE FROM ready_models WHERE model IN (SELECT value FROM json_each(OLD.affinity))
                AND queue = OLD.queue AND type = OLD.type AND priority = OLD.priority AND seq = OLD.seq;
            INSERT INTO ready_models SELECT value, NEW.queue, NEW.type, NEW.priority, NEW.seq FROM json_each(NEW.affinity)
                WHERE NEW.{StateSql.IsQueued};
        END;
        CREATE TRIGGER tr_ready_models_delete AFTER DELETE ON jobs
        WHEN OLD.affinity IS NOT NULL AND OLD.{StateSql.IsQueued}
        BEGIN
            DELETE FROM ready_models WHERE model IN (SELECT value FROM json_each(OLD.affinity))
                AND queue = OLD.queue AND type = OLD.type AND priority = OLD.priority AND seq = OLD.seq;
        END;
        """,
        // Jobs waiting for a larger GPU after an oom, by the size they need exceeded: a registration or heartbeat
        // finds the ones its GPUs release with one index range, usually empty.
        """
        ALTER TABLE jobs ADD COLUMN gpu_wait_mb INTEGER;
        CREATE INDEX ix_jobs_gpu_wait ON jobs(gpu_wait_mb) WHERE gpu_wait_mb IS NOT NULL;
        """,
        // Queue settings (weight, cap) and the fair-share state the lease changes: each queue's stride pass, and the
        // virtual time that a queue coming back from idle starts at (FairShare).
        """
        ALTER TABLE queues ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE queues ADD COLUMN max_running INTEGER;
        ALTER TABLE queues ADD COLUMN pass INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE fair_share (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            virtual_time INTEGER NOT NULL
        );
        INSERT INTO fair_share (id, virtual_time) VALUES (1, 0);
        """,
        // Warm-model affinity holds count from when a cold slot was first offered the job (Unix ms), not from when it
        // became ready: set by the lease at most once per stint in queued, cleared by every write into or out of it.
        "ALTER TABLE jobs ADD COLUMN offered_at INTEGER;",
    ];

    /// <summary>The schema version a database has once every step ran (its <c>user_version</c>).</summary>
    internal static int Version => Steps.Length;

    /// <summary>Puts the connection in WAL mode and brings the schema up to date, including for <paramref name="states"/>.</summary>
    public static void Apply(SqliteConnection connection, bool fullSync, StateSql states)
    {
        Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(fullSync ? "FULL" : "NORMAL")};");
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        for (var step = version; step < Steps.Length; step++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, Steps[step], transaction);
            Execute(connection, $"PRAGMA user_version = {step + 1};", transaction);
            transaction.Commit();
        }
        ApplyStates(connection, states);
    }

    /// <summary>
    /// Adds a counter column for every state (and a total for every finished one) the table lacks, and rebuilds
    /// the finished index when its condition is not the one the sets render (databases made before the sets compared
    /// the number). Runs at every open, costs two reads when nothing changed, and an index rebuild once per change.
    /// </summary>
    private static void ApplyStates(SqliteConnection connection, StateSql states)
    {
        using var transaction = connection.BeginTransaction();
        var columns = ((string)Scalar(connection, "SELECT group_concat(name, ',') FROM pragma_table_info('queues')", transaction)!).Split(',');
        foreach (var column in states.CounterColumns.Where(c => !columns.Contains(c)))
            Execute(connection, $"ALTER TABLE queues ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0", transaction);

        var index = Scalar(connection, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'ix_jobs_finished'", transaction) as string;
        if (index != StateSql.FinishedIndex)
        {
            if (index is not null) Execute(connection, "DROP INDEX ix_jobs_finished", transaction);
            Execute(connection, StateSql.FinishedIndex, transaction);
        }
        transaction.Commit();
    }

    /// <summary>Settings of every connection: wait for the writer's lock instead of failing at once.</summary>
    public static void Configure(SqliteConnection connection, bool fullSync) =>
        Execute(connection, $"PRAGMA busy_timeout=5000; PRAGMA synchronous={(fullSync ? "FULL" : "NORMAL")}; PRAGMA temp_store=MEMORY;");

    /// <summary>The writer leaves checkpoints to the <see cref="Checkpointer"/>.</summary>
    public static void DisableAutomaticCheckpoints(SqliteConnection connection) => Execute(connection, "PRAGMA wal_autocheckpoint=0;");

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }
}
