using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime.Backends;
using RenderQueue.Worker.Runtime.Gpus;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Threading;
using RenderQueue.Core.Workers;

namespace RenderQueue.Worker.Runtime;

/// <summary>
/// The worker agent: registers, heartbeats, long-polls for as many jobs as it has free slots (so one long job never
/// blocks the others), and runs each in a <see cref="JobExecution"/>. When the host stops (SIGTERM, Ctrl+C) it
/// drains: it stops leasing, lets running jobs finish for <see cref="AgentOptions.DrainGrace"/>, then releases the
/// rest so they are queued again at once. A server that is down is retried with jittered, capped backoff.
/// With backends (ComfyUI, A1111), each healthy, free backend is one slot, offered as a <c>gpus_free</c> entry; a
/// backend found down leaves the slots at once and a heartbeat tells the server without waiting its interval.
/// </summary>
public sealed partial class WorkerAgent : BackgroundService
{
    private readonly RenderQueueClient _client;
    private readonly AgentOptions _options;
    private readonly IReadOnlyList<IJobRunner> _runners;
    private readonly IGpuProbe _gpus;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkerAgent> _logger;
    private readonly ILogger<JobExecution> _jobLogger;
    private readonly RegistrationBuilder _registration;
    private readonly ConcurrentDictionary<string, (JobExecution Execution, Task Task)> _running = new(StringComparer.Ordinal);
    private readonly ISlotSource _slots;
    private readonly BackendRegistry? _backends;
    private readonly BackendHealthMonitor? _health;
    private readonly WakeSignal _heartbeatNow;
    private readonly WakeSignal _reported = new();
    private int _reportedVersion = -1;
    private readonly TaskCompletionSource<string> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan _leaseDuration = TimeSpan.FromSeconds(30);
    private TimeSpan _heartbeatInterval = TimeSpan.FromSeconds(10);
    private IReadOnlyList<GpuInfo> _lastGpus = [];
    private volatile bool _drainRequested;
    private volatile bool _draining;

    /// <summary>The service key of the <see cref="RenderQueueClient"/> the agent talks to the server with.</summary>
    public const string ClientKey = "RenderQueue.Worker.Runtime";

    public WorkerAgent(
        [FromKeyedServices(ClientKey)] RenderQueueClient client, IOptions<AgentOptions> options, IEnumerable<IJobRunner> runners, IGpuProbe gpus,
        TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _options = options.Value;
        _runners = runners.Where(r => _options.Types.Contains(r.Type, StringComparer.Ordinal)).ToList();
        _gpus = gpus;
        _time = time;
        _logger = loggers.CreateLogger<WorkerAgent>();
        _jobLogger = loggers.CreateLogger<JobExecution>();
        var backends = new BackendRegistry(_runners.OfType<IBackendRunner>(), time);
        if (backends.Slots.Count > 0)
        {
            _backends = backends;
            _health = new BackendHealthMonitor(backends, _options, time, loggers.CreateLogger<BackendHealthMonitor>());
        }
        _slots = _backends ?? (ISlotSource)new ConcurrencySlots(_options.Concurrency);
        _heartbeatNow = _backends?.StateChanged ?? new WakeSignal();
        _registration = new RegistrationBuilder(_options, _runners, gpus, _backends);
    }

    /// <summary>The id the server knows this worker by, once registered.</summary>
    public Task<string> Registered => _registered.Task;

    /// <summary>Ids of the jobs running now.</summary>
    public IReadOnlyList<string> CurrentJobs => [.. _running.Keys];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first report says how the backends are, not that nobody looked yet.
        if (_health is not null) await _health.ProbeAllAsync(stoppingToken);
        if (!await RegisterAsync(stoppingToken)) return;
        using var heartbeats = new CancellationTokenSource();
        var heartbeat = HeartbeatLoopAsync(heartbeats.Token);
        var probing = _health?.RunAsync(heartbeats.Token) ?? Task.CompletedTask;
        try
        {
            await LeaseLoopAsync(stoppingToken);
        }
        finally
        {
            await DrainAsync();
            await heartbeats.CancelAsync();
            await heartbeat;
            await probing;
        }
    }

    private async Task<bool> RegisterAsync(CancellationToken stoppingToken)
    {
        var backoff = new Backoff(_options.RetryDelay, _options.MaxRetryDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var version = _backends?.Version ?? 0;
                var registration = await _registration.BuildAsync(stoppingToken);
                var answer = await ServerCalls.WithTimeoutAsync(ct => _client.RegisterWorkerAsync(registration, ct), _options.CallTimeout, _time, stoppingToken);
                _leaseDuration = answer.LeaseDuration;
                _heartbeatInterval = answer.HeartbeatInterval > TimeSpan.Zero ? answer.HeartbeatInterval : _leaseDuration / 3;
                _lastGpus = registration.Gpus;
                _drainRequested = answer.Worker.DrainRequested;
                Reported(version);
                Log.Registered(_logger, answer.Worker.Id, _client.BaseAddress, string.Join(", ", registration.Types), Describe(registration.Gpus),
                    registration.Models.Count == 0 ? "none" : string.Join(", ", registration.Models), string.Join(", ", registration.Labels), registration.Concurrency,
                    Describe(registration.Backends));
                _registered.TrySetResult(answer.Worker.Id);
                return true;
            }
            catch (Exception e) when (ServerCalls.IsTransient(e, stoppingToken))
            {
                var delay = backoff.Next();
                Log.ServerUnreachable(_logger, _client.BaseAddress, delay, e.Message);
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (RenderQueueApiException e)
            {
                // A refused registration (400) is a configuration mistake that waiting will not fix.
                Log.RegistrationRefused(_logger, e.Message);
                throw;
            }
        }
        return false;
    }

    /// <summary>
    /// How long a lease call in flight may still finish after stop is asked. The server releases what it leased to a
    /// call that went away before the answer was written; an answer already on its way is read and handed back
    /// instead of being dropped (and held until its lease expires).
    /// </summary>
    private static readonly TimeSpan LeaseStopGrace = TimeSpan.FromSeconds(1);

    private async Task LeaseLoopAsync(CancellationToken stoppingToken)
    {
        var backoff = new Backoff(_options.RetryDelay, _options.MaxRetryDelay);
        using var polling = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var stopping = stoppingToken.Register(() => polling.CancelAfter(LeaseStopGrace));
        while (!stoppingToken.IsCancellationRequested)
        {
            if (_drainRequested)
            {
                // Asked by a person (POST /workers/{id}/drain): take nothing new until the flag is cleared.
                await Task.Delay(_heartbeatInterval, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            var taken = await _slots.TakeAsync(stoppingToken);
            if (taken.Count == 0) return;
            await AwaitReportAsync(stoppingToken);
            var unused = taken.ToList();
            // A backend that goes down while the lease call waits ends the call: the server releases what it had
            // leased to a call that went away, and the slots are offered again without it.
            using var leaseCall = CancellationTokenSource.CreateLinkedTokenSource(
                [polling.Token, .. taken.Select(s => s.Backend?.Down ?? CancellationToken.None)]);
            try
            {
                var gpusFree = FreeGpuSlots(taken);
                var request = new LeaseJobsRequest
                {
                    WorkerId = await _registered.Task,
                    MaxJobs = taken.Count,
                    Wait = _options.LeaseWait,
                    FreeVramMb = gpusFree is not null || _lastGpus.Count == 0 ? null : _lastGpus.Sum(g => g.VramFreeMb),
                    GpusFree = gpusFree,
                };
                var answer = await ServerCalls.WithTimeoutAsync(ct => _client.LeaseAsync(request, ct), _options.LeaseWait + _options.CallTimeout, _time, leaseCall.Token);
                backoff.Reset();
                _leaseDuration = answer.LeaseDuration;
                foreach (var job in answer.Jobs)
                {
                    if (stoppingToken.IsCancellationRequested)
                    {
                        await ReleaseUnstartedAsync(job, "The worker stopped as the job arrived.");
                        continue;
                    }
                    var slot = _slots.Pick(unused, job);
                    if (slot is null)
                    {
                        await ReleaseUnstartedAsync(job, $"This worker has no free {job.Type} backend for it.");
                        continue;
                    }
                    if (slot.Backend is { State: Core.Workers.BackendState.Unhealthy } down)
                    {
                        unused.Add(slot);
                        await ReleaseUnstartedAsync(job, $"Backend {down.Id} went down before the job started on it: {down.Reason}");
                        continue;
                    }
                    Start(job, slot);
                }
            }
            catch (OperationCanceledException) when (polling.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (leaseCall.IsCancellationRequested)
            {
                Log.LeaseWithdrawn(_logger);
            }
            catch (RenderQueueApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                // The server forgot us (its registry expired or it was reset): register again.
                Log.Unknown(_logger);
                if (!await RegisterAsync(stoppingToken)) return;
            }
            catch (Exception e) when (ServerCalls.IsTransient(e, stoppingToken) || e is RenderQueueApiException)
            {
                var delay = backoff.Next();
                Log.LeaseFailed(_logger, delay, e.Message);
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            finally
            {
                foreach (var slot in unused) _slots.Return(slot);
            }
        }
    }

    /// <summary>How long a lease call waits for the heartbeat that reports a backend's change of state.</summary>
    private static readonly TimeSpan ReportWait = TimeSpan.FromSeconds(2);

    private void Reported(int version)
    {
        Volatile.Write(ref _reportedVersion, version);
        _reported.Set();
    }

    /// <summary>
    /// A backend that just came back is offered only once the server has heard it is healthy (the heartbeat sent on
    /// the change), or the server, still seeing the worker unhealthy, would park the lease call with nothing for it.
    /// Bounded: a server that misses the heartbeat still gets the lease call.
    /// </summary>
    private async Task AwaitReportAsync(CancellationToken stoppingToken)
    {
        if (_backends is null) return;
        var until = _time.GetUtcNow() + ReportWait;
        while (Volatile.Read(ref _reportedVersion) < _backends.Version && _time.GetUtcNow() < until)
        {
            _reported.Reset();
            if (Volatile.Read(ref _reportedVersion) >= _backends.Version) return;
            try
            {
                await _reported.WaitAsync(until, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The free slots as <c>gpus_free</c>: one entry per backend, with its GPU and what nvidia-smi last said is free
    /// there. Null without backends, or when a backend is on no known GPU (the server then counts <c>max_jobs</c>).
    /// </summary>
    private IReadOnlyList<FreeGpuSlot>? FreeGpuSlots(IReadOnlyList<Slot> slots)
    {
        if (slots.Any(s => s.Backend?.GpuIndex is null)) return null;
        return [.. slots.Select(s => s.Backend!).Select(b => new FreeGpuSlot(b.GpuIndex!.Value, _lastGpus.FirstOrDefault(g => g.Index == b.GpuIndex)?.VramFreeMb, b.Id))];
    }

    /// <summary>A job that cannot start here goes straight back to the queue, attempt not charged.</summary>
    private async Task ReleaseUnstartedAsync(Core.Jobs.Job job, string reason)
    {
        try
        {
            await ServerCalls.WithTimeoutAsync(ct => _client.ReleaseAsync(job.LeaseToken, reason, ct), _options.CallTimeout, _time, CancellationToken.None);
            Log.ReleasedUnstarted(_logger, job.Id, reason);
        }
        catch (Exception e) when (e is RenderQueueApiException or HttpRequestException or OperationCanceledException)
        {
            // Its lease runs out and the reaper queues it again.
            Log.ReleaseFailed(_logger, job.Id, e.Message);
        }
    }

    private void Start(Core.Jobs.Job job, Slot slot)
    {
        var runner = _runners.FirstOrDefault(r => string.Equals(r.Type, job.Type, StringComparison.Ordinal));
        // A job of a type without backends may run in a backend's slot, but not on that backend.
        var backend = slot.Backend is { } b && string.Equals(b.Backend.Type, job.Type, StringComparison.Ordinal) ? b : null;
        var execution = new JobExecution(job, runner ?? new MissingRunner(job.Type), backend, _client, _leaseDuration, _options, _time, _jobLogger);
        var task = Task.Run(async () =>
        {
            try
            {
                await execution.RunAsync();
            }
            finally
            {
                _running.TryRemove(job.Id, out _);
                execution.Dispose();
                _slots.Return(slot);
            }
        }, CancellationToken.None);
        _running[job.Id] = (execution, task);
    }

    private async Task DrainAsync()
    {
        _draining = true;
        var running = _running.Values.ToList();
        if (running.Count == 0) return;
        Log.Draining(_logger, running.Count, _options.DrainGrace);
        var all = Task.WhenAll(running.Select(r => r.Task));
        await all.WaitAsync(_options.DrainGrace, _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (all.IsCompleted) return;
        foreach (var (execution, _) in _running.Values)
        {
            Log.Releasing(_logger, execution.JobId);
            execution.Stop(StopReason.Draining);
        }
        await all.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        var nextModels = _time.GetUtcNow() + _options.ModelRefreshInterval;
        var lastBeat = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // A backend changing state is sent at once: the server stops leasing for it (or starts again) now.
                await _heartbeatNow.WaitAndResetAsync(lastBeat + _heartbeatInterval, _time, cancellationToken);
                lastBeat = _time.GetUtcNow();
                IReadOnlyList<string>? models = null;
                if (_time.GetUtcNow() >= nextModels)
                {
                    models = await _registration.ModelsAsync(cancellationToken);
                    nextModels = _time.GetUtcNow() + _options.ModelRefreshInterval;
                }
                var gpus = await _gpus.ReadAsync(cancellationToken);
                _lastGpus = gpus;
                var version = _backends?.Version ?? 0;
                var heartbeat = new WorkerHeartbeat
                {
                    CurrentJobs = CurrentJobs, Gpus = gpus, Models = models, Backends = _backends?.Snapshot(), Draining = _draining || _drainRequested,
                };
                var workerId = await _registered.Task;
                var answer = await ServerCalls.WithTimeoutAsync(ct => _client.HeartbeatAsync(workerId, heartbeat, ct), _options.CallTimeout, _time, cancellationToken);
                Reported(version);
                if (answer.DrainRequested != _drainRequested) Log.DrainRequested(_logger, answer.DrainRequested);
                _drainRequested = answer.DrainRequested;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RenderQueueApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                Log.Unknown(_logger);
                try
                {
                    await RegisterAsync(cancellationToken);
                }
                catch (Exception again) when (again is RenderQueueApiException or OperationCanceledException)
                {
                    // refused again: the lease loop reports it; stopping: done
                }
            }
            catch (Exception e) when (ServerCalls.IsTransient(e, cancellationToken) || e is RenderQueueApiException)
            {
                Log.HeartbeatFailed(_logger, e.Message);
            }
        }
    }

    private static string Describe(IReadOnlyList<GpuInfo> gpus) => gpus.Count == 0
        ? "none"
        : string.Join("; ", gpus.Select(g => FormattableString.Invariant($"#{g.Index} {g.Name} {g.VramFreeMb}/{g.VramTotalMb} MiB free")));

    private static string Describe(IReadOnlyList<Core.Workers.BackendInfo> backends) => backends.Count == 0
        ? "none"
        : string.Join("; ", backends.Select(b => FormattableString.Invariant($"{b.Id} {b.Url} GPU {(b.GpuIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-")} {b.State}{(b.Reason is null ? "" : ": " + b.Reason)}")));

    public override void Dispose()
    {
        (_slots as IDisposable)?.Dispose();
        base.Dispose();
    }

    /// <summary>A leased job of a type this worker does not run (the server matched it by an old registration).</summary>
    private sealed class MissingRunner(string type) : IJobRunner
    {
        public string Type => type;

        public Task<System.Text.Json.JsonElement?> RunAsync(JobRun run, CancellationToken cancellationToken) =>
            throw JobFailedException.Other($"This worker has no runner for job type '{type}'.");
    }
}
