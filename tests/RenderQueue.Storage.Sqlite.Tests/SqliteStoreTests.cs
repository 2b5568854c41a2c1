using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Webhooks;
using RenderQueue.Core.Workers;
using RenderQueue.Processes;
using Xunit.Abstractions;

namespace RenderQueue.Storage.Sqlite.Tests;

/// <summary>What only the SQLite backend promises: WAL, isolation inside a group commit, index-only plans.</summary>
public sealed class SqliteStoreTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-sqlite");
    private readonly FakeTimeProvider _time = new();

    [Theory]
    [InlineData(false, 1L)]
    [InlineData(true, 2L)]
    public async Task The_database_uses_wal_and_the_configured_sync_mode(bool fullSync, long expectedSynchronous)
    {
        using var store = Open(fullSync);
        await store.EnqueueAsync([Job()], CancellationToken.None);

        using var connection = new SqliteConnection($"Data Source={store.DatabasePath}");
        connection.Open();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal(expectedSynchronous, StoreSynchronous(store));
    }

    [Fact]
    public async Task A_refused_operation_inside_a_group_commit_leaves_the_others_committed()
    {
        using var store = Open();
        await store.EnqueueAsync([.. Enumerable.Range(0, 100).Select(_ => Job())], CancellationToken.None);
        var leased = await store.LeaseAsync(new LeaseRequest { WorkerId = "w", Types = ["simulated"], MaxJobs = 100, LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None);

        // Fired together so that the writer commits many of them in one transaction.
        var calls = leased.Select((job, i) => i % 2 == 0
            ? store.CompleteAsync(job.LeaseToken, null, CancellationToken.None)
            : store.CompleteAsync(job.LeaseToken with { Attempt = 7 }, null, CancellationToken.None)).ToList();
        var results = await Task.WhenAll(calls.Select(async c => { try { await c; return true; } catch (LeaseConflictException) { return false; } }));

        Assert.Equal(50, results.Count(ok => ok));
        var counts = (await store.GetStatsAsync(CancellationToken.None)).Counts;
        Assert.Equal((50, 50), (counts.Succeeded, counts.Running));
        for (var i = 0; i < leased.Count; i++)
            Assert.Equal(i % 2 == 0 ? JobState.Succeeded : JobState.Running, (await store.GetAsync(leased[i].Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task No_statement_the_store_runs_scans_the_jobs_table()
    {
        using var store = Open();
        await ExerciseEverything(store);

        using var connection = new SqliteConnection($"Data Source={store.DatabasePath}");
        connection.Open();
        var statements = store.PreparedStatements.Where(sql => !sql.StartsWith("SAVEPOINT", StringComparison.Ordinal)
            && !sql.StartsWith("RELEASE", StringComparison.Ordinal) && !sql.StartsWith("ROLLBACK", StringComparison.Ordinal)).ToList();
        Assert.True(statements.Count > 30, $"only {statements.Count} statements were exercised");

        var scans = new List<string>();
        foreach (var sql in statements)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            for (var i = 1; i <= 16; i++) command.Parameters.AddWithValue("$" + i, DBNull.Value);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var detail = reader.GetString(3);
                if (detail.StartsWith("SCAN jobs", StringComparison.Ordinal) || detail.StartsWith("SCAN events", StringComparison.Ordinal)
                    || detail.StartsWith("SCAN webhook_deliveries", StringComparison.Ordinal) || detail.StartsWith("SCAN webhook_attempts", StringComparison.Ordinal))
                    scans.Add($"{detail}  <=  {sql}");
            }
        }
        output.WriteLine($"{statements.Count} statements checked");
        Assert.True(scans.Count == 0, string.Join("\n", scans));
    }

    /// <summary>Runs every kind of store call so that each statement gets prepared.</summary>
    private async Task ExerciseEverything(SqliteJobStore store)
    {
        var ct = CancellationToken.None;
        await store.RegisterWorkerAsync(new WorkerRegistration { Id = "w", Name = "w", Types = ["simulated"] }, ct);
        await store.HeartbeatAsync("w", new WorkerHeartbeat(), ct);
        await store.RequestDrainAsync("w", ct);
        await store.ListWorkersAsync(ct);
        await store.CreateApiKeyAsync(new ApiKeyRecord { Id = "k", Name = "k", Role = ApiKeyRole.Admin, Hash = "00" }, ct);
        await store.GetApiKeyAsync("k", ct);
        await store.RevokeApiKeyAsync("k", ct);
        await store.ListApiKeysAsync(ct);
        await store.CreateWebhookSubscriptionAsync(new WebhookSubscription
        {
            Id = "wh", Url = "https://example.com/", Events = WebhookEvents.All, Secret = "whsec_AAAA",
        }, ct);
        await store.GetWebhookSubscriptionAsync("wh", ct);
        var jobs = (await store.EnqueueAsync(
        [
            Job() with { IdempotencyKey = "k" }, Job() with { BatchKey = "b" }, Job() with { BatchKey = "b" },
            Job() with { RunAt = _time.GetUtcNow().AddSeconds(5), Timeout = TimeSpan.FromSeconds(1) },
            Job() with { Requirements = new JobRequirements(["x"]) }, Job(), Job(),
        ], ct)).Select(r => r.Job).ToList();
        await store.EnqueueAsync([Job() with { IdempotencyKey = "k" }], ct);
        await store.GetPositionsAsync([jobs[^1].Id, jobs[^2].Id, jobs[0].Id], ct);
        var lease = new LeaseRequest { WorkerId = "w", Types = ["simulated"], MaxJobs = 3, LeaseDuration = TimeSpan.FromSeconds(30) };
        var leased = await store.LeaseAsync(lease, ct);
        await store.RenewAsync(leased[0].LeaseToken, new JobProgress(1, 2), TimeSpan.FromSeconds(30), ct);
        await store.AddArtifactAsync(leased[0].LeaseToken, new ArtifactInfo("a.png", 1, "image/png", _time.GetUtcNow()), ct);
        await store.CompleteAsync(leased[0].LeaseToken, null, ct);
        await store.FailAsync(leased[1].LeaseToken, new JobFailure(new JobError("x")), ct);
        await store.ReleaseAsync(leased[2].LeaseToken, "drain", ct);
        await store.CancelAsync(jobs[^1].Id, null, ct);
        await store.RetryAsync(jobs[^1].Id, ct);
        await store.SetPriorityAsync(jobs[^1].Id, 3, ct);
        await store.FlagAsync(leased[0].Id, "again", ct);
        _time.Advance(TimeSpan.FromSeconds(40));
        await store.PromoteDueAsync(10, ct);
        await store.NextDueAsync(ct);
        var more = await store.LeaseAsync(lease with { MaxJobs = 10 }, ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        await store.ReapAsync(10, TimeSpan.Zero, ct);
        foreach (var job in await store.LeaseAsync(lease with { MaxJobs = 10 }, ct)) await store.CompleteAsync(job.LeaseToken, null, ct);
        await store.MarkCollectedAsync(leased[0].Id, ct).ContinueWith(_ => { }, ct);
        await store.SetQueuePausedAsync("default", true, ct);
        await store.SetQueuePausedAsync("default", false, ct);
        await store.UpdateQueueSettingsAsync("other", new QueueSettingsChange { Weight = 2, SetsMaxRunning = true, MaxRunning = 5 }, ct);
        await store.EnqueueAsync([Job() with { Queue = "other" }, Job() with { Queue = "fair" }], ct);
        await store.LeaseAsync(lease with { MaxJobs = 2 }, ct); // a choice between queues: fair share reads and writes its state
        await store.ListQueuesAsync(ct);
        await store.GetStatsAsync(ct);
        await store.GetActivityAsync(_time.GetUtcNow().AddHours(-1), ct);
        await store.ReadEventsAsync(0, 10, ct);
        await store.LastEventSequenceAsync(ct);
        await store.ListAsync(new JobQuery(), ct);
        await store.ListAsync(new JobQuery { States = [JobState.Queued, JobState.Failed] }, ct);
        await store.ListAsync(new JobQuery { Queue = "default" }, ct);
        await store.ListAsync(new JobQuery { Queue = "default", Type = "simulated", States = [JobState.Succeeded] }, ct);
        await store.ListAsync(new JobQuery { Type = "simulated" }, ct);
        var deliveries = await store.ClaimWebhookDeliveriesAsync(100, TimeSpan.FromSeconds(30), ct);
        var attempt = new WebhookAttempt(1, _time.GetUtcNow(), 500, "500", TimeSpan.Zero);
        await store.RecordWebhookAttemptAsync(deliveries[0].Id, attempt, WebhookOutcome.Retry(_time.GetUtcNow()), ct);
        await store.RecordWebhookAttemptAsync(deliveries[0].Id, attempt, WebhookOutcome.Delivered, ct);
        await store.RecordWebhookAttemptAsync(deliveries[1].Id, null, WebhookOutcome.Failed("gone"), ct);
        await store.ListJobWebhookDeliveriesAsync(deliveries[0].JobId, ct);
        await store.NextWebhookDueAsync(ct);
        await store.DisableWebhookSubscriptionAsync("wh", "410", ct);
        await store.ListWebhookSubscriptionsAsync(ct);
        await store.DeleteWebhookSubscriptionAsync("wh", ct);
        await store.PurgeFinishedAsync(_time.GetUtcNow().AddDays(1), 100, ct);
        await store.TrimHistoryAsync(_time.GetUtcNow().AddDays(-1), ct);
        await store.TrimHistoryAsync(_time.GetUtcNow().AddDays(1), ct);
        output.WriteLine($"{more.Count} leased after promotion");
    }

    [Fact]
    public async Task A_write_ahead_log_past_its_limit_is_copied_back_and_starts_over()
    {
        using var store = Open(maxWalBytes: 256 << 10);
        for (var batch = 0; batch < 10; batch++)
            await store.EnqueueAsync([.. Enumerable.Range(0, 500).Select(_ => Job())], CancellationToken.None);
        var before = WalBytes(store);
        Assert.True(before > 256 << 10, $"The test needs a log past the limit; it holds {before} bytes.");

        store.CheckpointNow();
        await store.EnqueueAsync([.. Enumerable.Range(0, 10).Select(_ => Job())], CancellationToken.None);

        // The new commit went to the start of the log, not past its end: the file did not grow.
        Assert.Equal(before, WalBytes(store));
        Assert.Equal(5_010, (await store.GetStatsAsync(CancellationToken.None)).Counts.Queued);
    }

    [Fact]
    public async Task A_write_ahead_log_under_its_limit_is_left_to_background_checkpoints()
    {
        using var store = Open();
        await store.EnqueueAsync([.. Enumerable.Range(0, 50).Select(_ => Job())], CancellationToken.None);

        store.CheckpointNow();

        Assert.True(WalBytes(store) > 0, "A passive checkpoint keeps the log file for reuse; writers never waited.");
    }

    private static long WalBytes(SqliteJobStore store) => new FileInfo(store.DatabasePath + "-wal").Length;

    private SqliteJobStore Open(bool fullSync = false, long? maxWalBytes = null)
    {
        var options = new SqliteStoreOptions
        {
            Path = _folder.File($"{Guid.NewGuid():N}.db"),
            FullSync = fullSync,
            CheckpointInterval = TimeSpan.FromHours(1), // checkpoints run when a test says so
        };
        if (maxWalBytes is { } limit) options.MaxWalBytes = limit;
        return new(options, _time);
    }

    private NewJob Job() => new()
    {
        Id = JobId.New(_time),
        Queue = "default",
        Type = "simulated",
        Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement,
    };

    /// <summary>synchronous is per connection, so it is read through the store's own reader.</summary>
    private static long StoreSynchronous(SqliteJobStore store) => store.ReadPragma("synchronous");

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose() => _folder.Dispose();
}
