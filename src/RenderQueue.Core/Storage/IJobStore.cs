using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Webhooks;
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

    /// <summary>Completes several leased jobs in one commit, as a worker finishes a leased batch. Each is fenced by
    /// its own attempt and applied or refused on its own; the results come back in the order asked.</summary>
    Task<IReadOnlyList<CompletionResult>> CompleteManyAsync(IReadOnlyList<CompletionRequest> completions, CancellationToken cancellationToken);

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

    /// <summary>Drops change-feed events and activity minutes older than <paramref name="before"/>, forgets
    /// workers not seen since then, and drops webhook deliveries that finished before then. Pending deliveries stay.</summary>
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

    /// <summary>Applies <paramref name="change"/> to the queue's settings (creating the queue when it has no jobs yet)
    /// and returns the queue. Throws <see cref="ArgumentException"/> for values out of range.</summary>
    Task<QueueInfo> UpdateQueueSettingsAsync(string queue, QueueSettingsChange change, CancellationToken cancellationToken);

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

    // ── API keys: every server node reads the same keys ─────────────────────────────────────────

    /// <summary>Stores a new key (its hash, never the key); <c>CreatedAt</c> is set from the store's clock.</summary>
    Task<ApiKeyRecord> CreateApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>The key with this id, revoked or not; null when there is none.</summary>
    Task<ApiKeyRecord?> GetApiKeyAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Every key, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken);

    /// <summary>Revokes a key; revoking it again keeps the first time. Throws <see cref="ApiKeyNotFoundException"/>.</summary>
    Task<ApiKeyRecord> RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken);

    // ── Webhooks: subscriptions and the outbox ───────────────────────────────────────────────────
    //
    // Every change whose event is one of WebhookEvents.All writes, in the same commit as the change, one pending
    // delivery per endpoint that hears it: the job's own webhook URL (endings only) and each enabled subscription
    // whose queue and events match. Deliveries carry their own copy of the event, so trimming the change feed never
    // loses one. job.progress is written at most once per JobStoreOptions.WebhookProgressInterval per job.

    /// <summary>Stores a subscription; <c>CreatedAt</c> is set from the store's clock.</summary>
    Task<WebhookSubscription> CreateWebhookSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken);

    Task<WebhookSubscription?> GetWebhookSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Every subscription, oldest first.</summary>
    Task<IReadOnlyList<WebhookSubscription>> ListWebhookSubscriptionsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes a subscription; false when there was none. Its pending deliveries stay in the outbox for the
    /// dispatcher to fail when it next claims them.</summary>
    Task<bool> DeleteWebhookSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Stops a subscription hearing new events (410 Gone); the first disabling wins. Throws
    /// <see cref="WebhookSubscriptionNotFoundException"/>.</summary>
    Task<WebhookSubscription> DisableWebhookSubscriptionAsync(string subscriptionId, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="max"/> pending deliveries that are due, oldest due first, each pushed <paramref name="claimFor"/>
    /// into the future so no other claim takes it meanwhile. A claim that is never followed by
    /// <see cref="RecordWebhookAttemptAsync"/> (the process died) makes the delivery due again when it runs out.
    /// </summary>
    Task<IReadOnlyList<WebhookDelivery>> ClaimWebhookDeliveriesAsync(int max, TimeSpan claimFor, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="attempt"/> (null when the delivery ends without being sent) and applies
    /// <paramref name="outcome"/>: pending again at its retry time, delivered, or failed. A delivery that is no longer
    /// pending keeps its state; the attempt is still recorded. Throws <see cref="WebhookDeliveryNotFoundException"/>.
    /// </summary>
    Task<WebhookDelivery> RecordWebhookAttemptAsync(long deliveryId, WebhookAttempt? attempt, WebhookOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Every delivery of a job's events with its attempts, oldest first.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListJobWebhookDeliveriesAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>When the earliest pending delivery is due, so the dispatcher can sleep until then; null when none is pending.</summary>
    Task<DateTimeOffset?> NextWebhookDueAsync(CancellationToken cancellationToken);
}
