using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Writes go through one connection with group commit
/// (<see cref="SqliteWriter"/>); reads use pooled connections and never wait for the writer.
/// </summary>
public sealed partial class SqliteJobStore : IJobStore, IDisposable
{
    private readonly SqliteStoreOptions _options;
    private readonly JobStoreOptions _rules;
    private readonly StateSql _states;
    private readonly TimeProvider _time;
    private readonly SqliteWriter _writer;
    private readonly ReaderPool _readers;
    private readonly Checkpointer _checkpointer;

    // meters: where the store's own metrics go (its WAL checkpoints); none when null.
    public SqliteJobStore(SqliteStoreOptions options, TimeProvider time, ILogger<SqliteJobStore>? logger = null, IMeterFactory? meters = null)
    {
        _options = options;
        _rules = options.Store;
        _states = new StateSql(options.Store.States);
        _time = time;
        var path = System.IO.Path.GetFullPath(options.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        _writer = new SqliteWriter(connectionString, options.FullSync, options.MaxBatch, options.Store.WebhookProgressInterval, _states, Signals, (ILogger?)logger ?? NullLogger.Instance);
        _readers = new ReaderPool(connectionString, options.FullSync);
        _checkpointer = new Checkpointer(connectionString, options.FullSync, options.CheckpointInterval, options.MaxWalBytes, (ILogger?)logger ?? NullLogger.Instance,
            meters?.Create("RenderQueue.Storage.Sqlite"));
        DatabasePath = path;
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    public StoreSignals Signals { get; } = new();

    /// <summary>Every SQL statement the store has prepared so far, for query-plan tests.</summary>
    internal IReadOnlyList<string> PreparedStatements => [.. _writer.Statements.Concat(_readers.Statements).Distinct()];

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Runs one checkpoint now, as the timer would (tests).</summary>
    internal void CheckpointNow() => _checkpointer.RunOnce();

    /// <summary>A pragma as the store's own connections see it (tests).</summary>
    internal long ReadPragma(string name) =>
        _readers.Read(sql => Convert.ToInt64(sql.Scalar($"PRAGMA {name}"), System.Globalization.CultureInfo.InvariantCulture));

    public Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewJob> jobs, CancellationToken cancellationToken) =>
        _writer.WriteAsync<IReadOnlyList<EnqueueResult>>(context =>
        {
            var now = Now;
            var results = new List<EnqueueResult>(jobs.Count);
            foreach (var input in jobs)
            {
                if (input.IdempotencyKey is { } key && JobTable.FindByIdempotencyKey(context.Sql, key) is { } existing)
                {
                    results.Add(new EnqueueResult(existing.Job, Created: false));
                    continue;
                }
                var change = JobLifecycle.Submit(input, now);
                JobTable.Insert(context.Sql, change.Job);
                ChangeRecorder.Record(context, change);
                results.Add(new EnqueueResult(change.Job, Created: true));
            }
            return results;
        }, cancellationToken);

    public Task<IReadOnlyList<Job>> LeaseAsync(LeaseRequest request, CancellationToken cancellationToken) =>
        _writer.WriteAsync<IReadOnlyList<Job>>(context =>
        {
            var share = FairShare.Load(context.Sql, request.Queues);
            if (share.Queues.Count == 0 || request.Types.Count == 0 || request.MaxJobs < 1 && request.Slots.Count == 0) return [];
            var now = Now;
            var chosen = LeaseSelector.Select(context.Sql, request, share, _rules.LeaseScanLimit, now);
            share.Save(context.Sql);
            var leased = new List<Job>(chosen.Count);
            foreach (var (candidate, slot, warm) in chosen)
            {
                var seq = candidate.Seq;
                var change = JobLifecycle.Lease(JobTable.LoadBySeq(context.Sql, seq), request.WorkerId, now, request.LeaseDuration, slot?.Gpu, warm);
                leased.Add(ChangeRecorder.Apply(context, seq, change));
            }
            return leased;
        }, cancellationToken);

    public Task<Job> RenewAsync(LeaseToken lease, JobProgress? progress, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        TransitionAsync(lease.JobId, (job, now) => JobLifecycle.Renew(job, lease, progress, now, leaseDuration), cancellationToken);

    public Task<Job> AddArtifactAsync(LeaseToken lease, ArtifactInfo artifact, CancellationToken cancellationToken) =>
        TransitionAsync(lease.JobId, (job, now) => JobLifecycle.AddArtifact(job, lease, artifact, now), cancellationToken);

    public Task<Job> CompleteAsync(LeaseToken lease, JsonElement? result, CancellationToken cancellationToken) =>
        TransitionAsync(lease.JobId, (job, now) => JobLifecycle.Complete(job, lease, result, now), cancellationToken);

    public Task<IReadOnlyList<CompletionResult>> CompleteManyAsync(IReadOnlyList<CompletionRequest> completions, CancellationToken cancellationToken) =>
        _writer.WriteAsync<IReadOnlyList<CompletionResult>>(context =>
        {
            var now = Now;
            var results = new List<CompletionResult>(completions.Count);
            foreach (var (lease, result) in completions)
            {
                long seq;
                JobChange change;
                try
                {
                    (seq, var job) = JobTable.Load(context.Sql, lease.JobId);
                    change = JobLifecycle.Complete(job, lease, result, now);
                }
                catch (JobStoreException refusal)
                {
                    results.Add(new CompletionResult(lease, null, refusal)); // refused before writing anything
                    continue;
                }
                results.Add(new CompletionResult(lease, ChangeRecorder.Apply(context, seq, change), null));
            }
            return results;
        }, cancellationToken);

    public Task<Job> FailAsync(LeaseToken lease, JobFailure failure, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var (seq, job) = JobTable.Load(context.Sql, lease.JobId);
            var now = Now;
            var change = JobLifecycle.Fail(job, lease, failure, now, _rules.Retry, Random.Shared.NextDouble(),
                (needing, above) => LargerGpuOnline(context.Sql, needing, above, now) is not null, _rules.LargerGpuWait);
            if (change.Job.Requirements != job.Requirements) JobTable.UpdateRequirements(context.Sql, seq, change.Job.Requirements);
            return ChangeRecorder.Apply(context, seq, change);
        }, cancellationToken);

    public Task<Job> ReleaseAsync(LeaseToken lease, string reason, CancellationToken cancellationToken) =>
        TransitionAsync(lease.JobId, (job, now) =>
            JobLifecycle.Release(job, lease, reason, now, _rules.MaxReleases, _rules.Retry, Random.Shared.NextDouble()), cancellationToken);

    public Task<Job> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken) =>
        TransitionAsync(jobId, (job, now) => JobLifecycle.Cancel(job, reason, now), cancellationToken);

    public Task<Job> RetryAsync(string jobId, CancellationToken cancellationToken) =>
        TransitionAsync(jobId, JobLifecycle.Retry, cancellationToken);

    public Task<Job> FlagAsync(string jobId, string reason, CancellationToken cancellationToken) =>
        TransitionAsync(jobId, (job, now) => JobLifecycle.Flag(job, reason, now), cancellationToken);

    public Task<Job> SetPriorityAsync(string jobId, int priority, CancellationToken cancellationToken) =>
        TransitionAsync(jobId, (job, now) => JobLifecycle.SetPriority(job, priority, now), cancellationToken);

    public Task<Job> MarkCollectedAsync(string jobId, CancellationToken cancellationToken) =>
        TransitionAsync(jobId, JobLifecycle.Collect, cancellationToken);

    /// <summary>Loads a job, applies <paramref name="transition"/> and records the change (internal: tests move jobs into states no operation reaches yet).</summary>
    internal Task<Job> TransitionAsync(string jobId, Func<Job, DateTimeOffset, JobChange> transition, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var (seq, job) = JobTable.Load(context.Sql, jobId);
            return ChangeRecorder.Apply(context, seq, transition(job, Now));
        }, cancellationToken);

    private int _disposed;

    /// <summary>Finishes queued writes, checkpoints the log and closes the file. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _writer.Dispose();
        _readers.Dispose();
        _checkpointer.Dispose();
    }
}
