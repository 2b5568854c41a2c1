using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;

namespace RenderQueue.Core.Storage;

/// <summary>
/// Durable job storage in queue terms. Every backend passes <c>JobStoreContract</c>, which is the definition
/// of this interface. Each operation is atomic; a call that returns has been committed durably. Refusals
/// throw a <see cref="JobStoreException"/> and change nothing. Time is the store's own clock.
/// </summary>
public interface IJobStore
{
    /// <summary>Wake-ups raised after commits, on every server sharing the store.</summary>
    StoreSignals Signals { get; }

    // ── Submitting ────────────────────────────────────────────────────────────────────────────────

    /// <summary>Stores the jobs in one commit, in order. A job whose idempotency key already exists is not
    /// stored again: its result holds the existing job with <c>Created = false</c>.</summary>
    Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewJob> jobs, CancellationToken cancellationToken);

    // ── Worker side: leases fenced by the attempt number ─────────────────────────────────────────

    /// <summary>Atomically moves up to <c>MaxJobs</c> due, matching jobs from queued to running, highest
    /// priority first, oldest first within a priority. Returns at once; empty when nothing matches.</summary>
    Task<IReadOnlyList<Job>> LeaseAsync(LeaseRequest request, CancellationToken cancellationToken);

    /// <summary>Extends the lease and records progress; the returned job's <c>CancelRequested</c> tells the
    /// worker to stop.</summary>
    Task<Job> RenewAsync(LeaseToken lease, JobProgress? progress, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Records an uploaded output file on the running attempt.</summary>
    Task<Job> AddArtifactAsync(LeaseToken lease, ArtifactInfo artifact, CancellationToken cancellationToken);

    Task<Job> CompleteAsync(LeaseToken lease, JsonElement? result, CancellationToken cancellationToken);

    Task<Job> FailAsync(LeaseToken lease, JobFailure failure, CancellationToken cancellationToken);

    /// <summary>Gives an unfinished job back to the queue at once without charging the attempt.</summary>
    Task<Job> ReleaseAsync(LeaseToken lease, string reason, CancellationToken cancellationToken);

    // ── People and clients ────────────────────────────────────────────────────────────────────────

    Task<Job> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken);

    Task<Job> RetryAsync(string jobId, CancellationToken cancellationToken);

    Task<Job> FlagAsync(string jobId, string reason, CancellationToken cancellationToken);

    Task<Job> SetPriorityAsync(string jobId, int priority, CancellationToken cancellationToken);

    Task<Job> MarkCollectedAsync(string jobId, CancellationToken cancellationToken);

    // ── Housekeeping, run by one server at a time ────────────────────────────────────────────────

    /// <summary>Moves up to <paramref name="max"/> scheduled jobs whose time has come to the queue.</summary>
    Task<int> PromoteDueAsync(int max, CancellationToken cancellationToken);

    /// <summary>The earliest <c>run_at</c> among scheduled jobs, so the scheduler can sleep until then.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    /// <summary>Requeues or fails up to <paramref name="max"/> running jobs whose lease expired, and fails
    /// those past their timeout (plus <paramref name="timeoutGrace"/>).</summary>
    Task<int> ReapAsync(int max, TimeSpan timeoutGrace, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="max"/> finished jobs that finished before <paramref name="before"/>;
    /// returns their ids so their artifacts can be deleted too.</summary>
    Task<IReadOnlyList<string>> PurgeFinishedAsync(DateTimeOffset before, int max, CancellationToken cancellationToken);

    /// <summary>Drops change-feed events and activity minutes older than <paramref name="before"/>, and forgets
    /// workers not seen since then.</summary>
    Task TrimHistoryAsync(DateTimeOffset before, CancellationToken cancellationToken);

    // ── Reading ───────────────────────────────────────────────────────────────────────────────────

    Task<Job?> GetAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Newest first, filtered, cursor-paged; never scans the whole table.</summary>
    Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken);

    /// <summary>Where each of these jobs stands and when it should start; only queued jobs are in the answer.
    /// A whole page costs about as much as its furthest job alone.</summary>
    Task<IReadOnlyDictionary<string, QueuePosition>> GetPositionsAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken);

    Task<StoreStats> GetStatsAsync(CancellationToken cancellationToken);

    /// <summary>Per-queue, per-minute activity from <paramref name="since"/> on, oldest first.</summary>
    Task<IReadOnlyList<ActivityMinute>> GetActivityAsync(DateTimeOffset since, CancellationToken cancellationToken);

    // ── Queues ────────────────────────────────────────────────────────────────────────────────────

    Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken);

    /// <summary>A paused queue keeps accepting jobs but leases none until resumed.</summary>
    Task<QueueInfo> SetQueuePausedAsync(string queue, bool paused, CancellationToken cancellationToken);

    // ── Workers ───────────────────────────────────────────────────────────────────────────────────

    Task<WorkerInfo> RegisterWorkerAsync(WorkerRegistration registration, CancellationToken cancellationToken);

    /// <summary>Records a heartbeat; the result carries <c>DrainRequested</c>. Throws
    /// <see cref="WorkerNotFoundException"/> for an unknown worker, which should register again.</summary>
    Task<WorkerInfo> HeartbeatAsync(string workerId, WorkerHeartbeat heartbeat, CancellationToken cancellationToken);

    Task<WorkerInfo> RequestDrainAsync(string workerId, CancellationToken cancellationToken);

    Task<IReadOnlyList<WorkerInfo>> ListWorkersAsync(CancellationToken cancellationToken);

    // ── Change feed ───────────────────────────────────────────────────────────────────────────────

    /// <summary>Events with a sequence above <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<JobEvent>> ReadEventsAsync(long afterSequence, int max, CancellationToken cancellationToken);

    /// <summary>The sequence of the newest event; 0 when there is none.</summary>
    Task<long> LastEventSequenceAsync(CancellationToken cancellationToken);
}
