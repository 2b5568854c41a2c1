using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Storage;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// The multi-node store: every operation is one Lua script, so each state change — with its counters,
/// activity, durations, change-feed event and wake-up — is atomic and one round trip. Time is the injected
/// <see cref="TimeProvider"/>, passed into every script. Several instances (one per server node) share one
/// Redis; each raises its own signals at once and the others' through the pub/sub channel.
/// The connection is the caller's: disposing the store only drops its subscription.
/// </summary>
public sealed partial class RedisJobStore : IJobStore, IAsyncDisposable, IDisposable
{
    private readonly RedisStoreOptions _options;
    private readonly JobStoreOptions _rules;
    private readonly StoreScripts _scripts;
    private readonly TimeProvider _time;
    private readonly IDatabase _database;
    private readonly SignalRelay _relay;
    private readonly string _instance = Guid.NewGuid().ToString("N");

    public RedisJobStore(IConnectionMultiplexer connection, RedisStoreOptions options, TimeProvider time, ILogger<RedisJobStore>? logger = null)
    {
        options.Validate();
        _options = options;
        _rules = options.Store;
        _scripts = StoreScripts.For(options.Store.States);
        _time = time;
        _database = connection.GetDatabase();
        _relay = new SignalRelay(connection, options.KeyPrefix, _instance, Signals, (ILogger?)logger ?? NullLogger.Instance);
    }

    public StoreSignals Signals { get; } = new();

    /// <summary>The prefix of this store's keys.</summary>
    public string KeyPrefix => _options.KeyPrefix;

    public async Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewJob> jobs, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0) return [];
        var stored = jobs.Select(JobHash.AsStored).ToList();
        var arguments = new List<RedisValue>(1 + jobs.Count * JobHash.EnqueueFieldCount) { jobs.Count };
        foreach (var job in stored) JobHash.AddEnqueueArguments(arguments, job);
        var now = NowMilliseconds();
        var reply = await RunAsync(_scripts.Enqueue, [.. arguments], cancellationToken, now);
        // A stored job is what the client sent plus what Submit sets, so the script answers 1 rather than echo it
        // (payloads are often tens of kilobytes); a job found by its idempotency key comes back whole.
        return [.. reply.Items.Select((item, i) =>
        {
            var pair = (RedisResult[])item!;
            return (long)pair[0] == 1
                ? new EnqueueResult(JobHash.Submitted(stored[i], now), Created: true)
                : new EnqueueResult(JobHash.Read(pair[1]), Created: false);
        })];
    }

    public async Task<IReadOnlyList<Job>> LeaseAsync(LeaseRequest request, CancellationToken cancellationToken)
    {
        if (request.Types.Count == 0 || request.MaxJobs < 1 && request.Slots.Count == 0) return [];
        var capabilities = request.Capabilities;
        var reply = await RunAsync(_scripts.Lease,
        [
            request.WorkerId,
            Milliseconds(request.LeaseDuration),
            request.MaxJobs,
            Math.Max(1, _rules.LeaseScanLimit),
            JsonSerializer.Serialize(capabilities.Labels),
            JsonSerializer.Serialize(capabilities.Models.Select(JobHash.Fold)),
            capabilities.FreeVramMb is { } vram ? vram : "",
            JsonSerializer.Serialize(request.Types.Distinct(StringComparer.Ordinal)),
            JsonSerializer.Serialize(request.Queues),
            LeaseSlots.Json(request.Slots),
            Milliseconds(request.AffinityWait),
            request.FleetWarmModels is { } fleet ? JsonSerializer.Serialize(fleet.Select(JobHash.Fold)) : "",
        ], cancellationToken);
        var items = reply.Items;
        if ((string?)items[0] is { Length: > 0 } until)
            request.Deferral?.Note(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(until, System.Globalization.CultureInfo.InvariantCulture)));
        return [.. items.Skip(1).Select(JobHash.Read)];
    }

    public Task<Job> RenewAsync(LeaseToken lease, JobProgress? progress, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        TransitionAsync(_scripts.Renew, lease,
        [
            Milliseconds(leaseDuration),
            progress is null ? "" : "1",
            progress is null ? "" : JobHash.Number(progress.Value),
            progress is null ? "" : JobHash.Number(progress.Max),
            progress?.Message is null ? "" : "1",
            progress?.Message ?? "",
        ], cancellationToken);

    public Task<Job> AddArtifactAsync(LeaseToken lease, ArtifactInfo artifact, CancellationToken cancellationToken) =>
        TransitionAsync(_scripts.AddArtifact, lease, [artifact.Name, JsonSerializer.Serialize(artifact, RenderQueueJson.Compact)], cancellationToken);

    public async Task<Job> CompleteAsync(LeaseToken lease, JsonElement? result, CancellationToken cancellationToken)
    {
        var completion = (await CompleteManyAsync([new CompletionRequest(lease, result)], cancellationToken))[0];
        return completion.Job ?? throw completion.Refusal!;
    }

    public async Task<IReadOnlyList<CompletionResult>> CompleteManyAsync(IReadOnlyList<CompletionRequest> completions, CancellationToken cancellationToken)
    {
        RedisValue[] arguments = [completions.Count, .. completions.SelectMany(c => new RedisValue[] { c.Lease.JobId, c.Lease.Attempt, JobHash.JsonOrEmpty(c.Result) })];
        var reply = await RunAsync(_scripts.CompleteMany, arguments, cancellationToken);
        return [.. reply.Items.Select((item, i) =>
        {
            var parts = (RedisResult[])item!;
            var lease = completions[i].Lease;
            var refusal = ScriptReply.Refusal((string)parts[0]!, parts[1], lease.JobId, lease);
            return new CompletionResult(lease, refusal is null ? JobHash.Read(parts[1]) : null, refusal);
        })];
    }

    public Task<Job> FailAsync(LeaseToken lease, JobFailure failure, CancellationToken cancellationToken)
    {
        // The backoff only applies while the token holds the lease, when the token's attempt is the job's.
        var backoff = _rules.Retry.DelayAfter(lease.Attempt, Random.Shared.NextDouble());
        return TransitionAsync(_scripts.Fail, lease,
        [
            JsonSerializer.Serialize(failure.Error, RenderQueueJson.Compact),
            failure.Error.Class,
            failure.Retryable ? "1" : "0",
            Milliseconds(backoff),
            Milliseconds(_rules.WorkerTtl),
            Milliseconds(_rules.LargerGpuWait),
        ], cancellationToken);
    }

    public Task<Job> ReleaseAsync(LeaseToken lease, string reason, CancellationToken cancellationToken)
    {
        var charged = new JobError(JobLifecycle.ChargedReleaseMessage(reason, _rules.MaxReleases), ErrorClasses.Released);
        return TransitionAsync(_scripts.Release, lease,
        [
            reason,
            JsonSerializer.Serialize(new JobError(reason, ErrorClasses.Released), RenderQueueJson.Compact),
            _rules.MaxReleases,
            JsonSerializer.Serialize(charged, RenderQueueJson.Compact),
            Milliseconds(_rules.Retry.DelayAfter(lease.Attempt, Random.Shared.NextDouble())),
        ], cancellationToken);
    }

    public Task<Job> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken) =>
        TransitionAsync(_scripts.Cancel, jobId, "cancel", [jobId, reason is null ? "" : "1", reason ?? ""], cancellationToken);

    public Task<Job> RetryAsync(string jobId, CancellationToken cancellationToken) =>
        TransitionAsync(_scripts.Retry, jobId, "retry", [jobId], cancellationToken);

    public Task<Job> FlagAsync(string jobId, string reason, CancellationToken cancellationToken) =>
        TransitionAsync(_scripts.Flag, jobId, "flag", [jobId, reason], cancellationToken);

    public Task<Job> SetPriorityAsync(string jobId, int priority, CancellationToken cancellationToken) =>
        TransitionAsync(_scripts.SetPriority, jobId, "change the priority of", [jobId, priority], cancellationToken);

    public Task<Job> MarkCollectedAsync(string jobId, CancellationToken cancellationToken) =>
        TransitionAsync(_scripts.Collect, jobId, "mark collected", [jobId], cancellationToken);

    private async Task<Job> TransitionAsync(RedisScript script, LeaseToken lease, RedisValue[] arguments, CancellationToken cancellationToken)
    {
        RedisValue[] all = [lease.JobId, lease.Attempt, .. arguments];
        var reply = await RunAsync(script, all, cancellationToken);
        return JobHash.Read(reply.ThrowIfRefused(lease.JobId, lease).Value);
    }

    /// <summary>Runs <paramref name="body"/> as an operation of this store, after its state sets and common.lua (tests).</summary>
    internal Task<Job> TransitionAsync(string body, string jobId, params RedisValue[] arguments) =>
        TransitionAsync(RedisScript.Compose("test", _scripts.Prelude, body), jobId, "test", arguments, CancellationToken.None);

    private async Task<Job> TransitionAsync(RedisScript script, string jobId, string operation, RedisValue[] arguments, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(script, arguments, cancellationToken);
        return JobHash.Read(reply.ThrowIfRefused(jobId, operation: operation).Value);
    }

    /// <summary>
    /// Runs a script with the arguments every script takes first (prefix, now, instance, feed length, webhook
    /// progress interval) and
    /// raises this instance's signals from its reply. Cancellation is honoured until the script is sent: a
    /// script in flight commits or not as a whole, and abandoning a lease in flight would strand its jobs.
    /// No answer from Redis is a <see cref="StoreUnavailableException"/>.
    /// </summary>
    private async Task<ScriptReply> RunAsync(RedisScript script, RedisValue[] arguments, CancellationToken cancellationToken, long? now = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue[] all =
        [
            _options.KeyPrefix, now ?? NowMilliseconds(), _instance, _options.EventStreamMaxLength,
            Milliseconds(_rules.WebhookProgressInterval), .. arguments,
        ];
        var reply = ScriptReply.From(await RedisFailures.AnsweredAsync(script.EvaluateAsync(_database, all)));
        _relay.Raise(reply.ReadyQueues, reply.LastEvent);
        return reply;
    }

    private long NowMilliseconds() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static long Milliseconds(TimeSpan duration) => (long)Math.Round(duration.TotalMilliseconds, MidpointRounding.AwayFromZero);

    private string Key(string name) => _options.KeyPrefix + ":" + name;

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _relay.Dispose();
}
