using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RenderQueue.Worker.Runtime.Backends;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Worker.Runtime.Watchdogs;
using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Threading;

namespace RenderQueue.Worker.Runtime;

/// <summary>
/// One leased attempt: runs the runner under the watchdog, renews the lease every third of its duration and
/// whenever progress changes (at most every <see cref="AgentOptions.ProgressInterval"/>), uploads artifacts, and
/// reports the outcome with the fencing attempt, retrying through outages until the server accepts or refuses it.
/// A 409 on any call stops the runner at once.
/// </summary>
internal sealed partial class JobExecution : IProgress<JobProgress>, IArtifactSink, IDisposable
{
    private readonly Job _job;
    private readonly IJobRunner _runner;
    private readonly BackendSlot? _backend;
    private readonly RenderQueueClient _client;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly WakeSignal _progressChanged = new();
    private readonly TimeSpan _renewInterval;
    private JobProgress? _progress;
    private JobWatchdog? _watchdog;
    private int _stopReason;

    public JobExecution(
        Job job, IJobRunner runner, BackendSlot? backend, RenderQueueClient client, TimeSpan leaseDuration, AgentOptions options, TimeProvider time, ILogger logger)
    {
        _job = job;
        _runner = runner;
        _backend = backend;
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
        _renewInterval = leaseDuration / 3;
    }

    public LeaseToken Lease => _job.LeaseToken;

    public string JobId => _job.Id;

    /// <summary>Stops the runner for <paramref name="reason"/>; the first reason wins.</summary>
    public void Stop(StopReason reason)
    {
        if (Interlocked.CompareExchange(ref _stopReason, (int)reason, (int)StopReason.None) != (int)StopReason.None) return;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // already finished
        }
    }

    private StopReason Reason => (StopReason)Volatile.Read(ref _stopReason);

    /// <summary>
    /// Runs the attempt to its end and reports it; never throws. Stopping goes through <see cref="Stop"/>, and the report
    /// outlives the host's stop signal (a finished result is never dropped): the host's shutdown timeout bounds it.
    /// </summary>
    public async Task RunAsync()
    {
        using var span = WorkerTracing.StartAttempt(_job);
        Log.Started(_logger, _job.Id, _job.Attempt, _job.Type);
        using var watchdog = new JobWatchdog(_time, _job.Timeout, _options.StallTimeout, _stop.Token);
        _watchdog = watchdog;
        using var renewing = new CancellationTokenSource();
        var renewer = RenewLoopAsync(renewing.Token);

        Outcome outcome;
        try
        {
            var result = await _runner.RunAsync(new JobRun(_job.Id, _job.Attempt, _job.Payload, this, this) { Backend = _backend }, watchdog.Token);
            outcome = Reason == StopReason.LeaseLost ? Outcome.Nothing : Outcome.Complete(result);
        }
        catch (Exception e) when (Reason != StopReason.None && e is OperationCanceledException or JobFailedException)
        {
            outcome = Reason switch
            {
                StopReason.CancelRequested => Outcome.Fail(new JobError("Canceled while running, as asked.", ErrorClasses.Canceled), retryable: false),
                StopReason.Draining => Outcome.Released("The worker is shutting down."),
                _ => Outcome.Nothing,
            };
        }
        catch (BackendUnavailableException e) when (Reason == StopReason.None)
        {
            // Nothing ran: back to the queue without charging an attempt, and the backend out of the free slots.
            if (_backend is { State: not Core.Workers.BackendState.Unhealthy }) _backend.ReportFailure(e.Message);
            Log.BackendUnavailable(_logger, _job.Id, _backend?.Id ?? _job.Type, e.Message);
            outcome = Outcome.Released(e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or JobFailedException && watchdog.Failure() is { } tripped)
        {
            outcome = Outcome.Fail(tripped.Error, tripped.Retryable);
        }
        catch (JobFailedException failure)
        {
            outcome = Outcome.Fail(failure.Error, failure.Retryable);
        }
        catch (Exception e)
        {
            Log.RunnerCrashed(_logger, _job.Id, _job.Type, e);
            outcome = Outcome.Fail(new JobError($"The {_job.Type} runner failed unexpectedly: {e.GetType().Name}: {e.Message}", ErrorClasses.Error), retryable: true);
        }
        finally
        {
            await renewing.CancelAsync();
            await renewer;
        }
        span?.SetTag("renderqueue.job.outcome", outcome.Kind.ToString());
        if (outcome.Error is { } error) span?.SetStatus(ActivityStatusCode.Error, error.Message);
        await ReportAsync(outcome);
    }

    // ── progress and renewals ──

    public void Report(JobProgress value)
    {
        if (value == Volatile.Read(ref _progress)) return;
        Volatile.Write(ref _progress, value);
        _watchdog?.Progressed();
        _progressChanged.Set();
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        var lastRenew = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var untilRenew = _renewInterval - (_time.GetUtcNow() - lastRenew);
                if (untilRenew > TimeSpan.Zero)
                {
                    await _progressChanged.WaitAndResetAsync(lastRenew + _renewInterval, _time, cancellationToken);
                    // Progress goes out promptly, but no more often than ProgressInterval.
                    var sinceLast = _time.GetUtcNow() - lastRenew;
                    if (sinceLast < _options.ProgressInterval) await Task.Delay(_options.ProgressInterval - sinceLast, _time, cancellationToken);
                }
                lastRenew = _time.GetUtcNow();
                await RenewAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var progress = Volatile.Read(ref _progress);
        try
        {
            var answer = await ServerCalls.WithTimeoutAsync(ct => _client.RenewAsync(Lease, progress, ct), _options.CallTimeout, _time, cancellationToken);
            if (answer.CancelRequested)
            {
                Log.CancelRequested(_logger, _job.Id);
                Stop(StopReason.CancelRequested);
            }
        }
        catch (Exception e) when (ServerCalls.IsLeaseGone(e))
        {
            Log.LeaseLost(_logger, _job.Id, _job.Attempt, e.Message);
            Stop(StopReason.LeaseLost);
        }
        catch (Exception e) when (ServerCalls.IsTransient(e, cancellationToken))
        {
            // The lease outlives a few missed renewals; if it runs out, the next renew answers 409 and the run stops.
            Log.CallRetry(_logger, _job.Id, "a renew", _renewInterval, e.Message);
        }
        catch (RenderQueueApiException e)
        {
            Log.CallRefused(_logger, _job.Id, "a renew", e.Message);
        }
    }

    // ── artifacts ──

    public async Task AddAsync(string name, string contentType, Stream content, CancellationToken cancellationToken)
    {
        using var span = WorkerTracing.StartStep("artifact upload")?.SetTag("renderqueue.artifact.name", name);
        // A stream that cannot be rewound is spooled to a temp file, so an upload cut by an outage can be sent again.
        await using var spooled = content.CanSeek ? null : await SpoolAsync(content, cancellationToken);
        var body = spooled ?? content;
        var start = body.Position;
        var length = body.Length - start;
        var backoff = new Backoff(_options.RetryDelay, _options.MaxRetryDelay);
        while (true)
        {
            try
            {
                body.Position = start;
                await using (var borrowed = new BorrowedStream(body))
                    await _client.UploadArtifactAsync(Lease, name, borrowed, contentType, cancellationToken);
                Log.ArtifactUploaded(_logger, _job.Id, name, length);
                return;
            }
            catch (Exception e) when (ServerCalls.IsLeaseGone(e))
            {
                Log.LeaseLost(_logger, _job.Id, _job.Attempt, e.Message);
                Stop(StopReason.LeaseLost);
                throw new OperationCanceledException("The lease was lost while uploading an artifact.", e, _stop.Token);
            }
            catch (Exception e) when (ServerCalls.IsTransient(e, cancellationToken))
            {
                var delay = backoff.Next();
                Log.CallRetry(_logger, _job.Id, $"uploading {name}", delay, e.Message);
                await Task.Delay(delay, _time, cancellationToken);
            }
        }
    }

    private static async Task<Stream> SpoolAsync(Stream content, CancellationToken cancellationToken)
    {
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await content.CopyToAsync(file, cancellationToken);
        file.Position = 0;
        return file;
    }

    // ── the outcome ──

    /// <summary>Reports the outcome, retrying through outages until the server answers; a 409/404 means another attempt settled it.</summary>
    private async Task ReportAsync(Outcome outcome)
    {
        if (outcome.Kind == OutcomeKind.Nothing)
        {
            Log.Abandoned(_logger, _job.Id, _job.Attempt);
            return;
        }
        var backoff = new Backoff(_options.RetryDelay, _options.MaxRetryDelay);
        while (true)
        {
            try
            {
                var job = outcome.Kind switch
                {
                    OutcomeKind.Complete => await ServerCalls.WithTimeoutAsync(ct => _client.CompleteAsync(Lease, outcome.Result, ct), _options.CallTimeout, _time, CancellationToken.None),
                    OutcomeKind.Fail => await ServerCalls.WithTimeoutAsync(ct => _client.FailAsync(Lease, outcome.Error!, outcome.Retryable, ct), _options.CallTimeout, _time, CancellationToken.None),
                    _ => await ServerCalls.WithTimeoutAsync(ct => _client.ReleaseAsync(Lease, outcome.Reason!, ct), _options.CallTimeout, _time, CancellationToken.None),
                };
                var what = outcome.Kind switch
                {
                    OutcomeKind.Complete => "completion",
                    OutcomeKind.Fail => $"failure ({outcome.Error!.Class}{(outcome.Retryable ? ", retryable" : "")}: {outcome.Error.Message})",
                    _ => "release",
                };
                Log.Reported(_logger, _job.Id, _job.Attempt, what, job.State.ToWire());
                return;
            }
            catch (Exception e) when (ServerCalls.IsLeaseGone(e))
            {
                Log.OutcomeRefused(_logger, _job.Id, _job.Attempt, e.Message);
                return;
            }
            catch (Exception e) when (ServerCalls.IsTransient(e, CancellationToken.None))
            {
                var delay = backoff.Next();
                Log.CallRetry(_logger, _job.Id, "reporting the outcome", delay, e.Message);
                await Task.Delay(delay, _time);
            }
            catch (RenderQueueApiException e)
            {
                // A 400 will not change by sending it again; the lease runs out and the reaper takes over.
                Log.CallRefused(_logger, _job.Id, "the outcome", e.Message);
                return;
            }
        }
    }

    public void Dispose()
    {
        _stop.Dispose();
    }

    private enum OutcomeKind
    {
        Nothing,
        Complete,
        Fail,
        Release,
    }

    private sealed record Outcome(OutcomeKind Kind, JsonElement? Result = null, JobError? Error = null, bool Retryable = false, string? Reason = null)
    {
        public static Outcome Nothing { get; } = new(OutcomeKind.Nothing);
        public static Outcome Released(string reason) => new(OutcomeKind.Release, Reason: reason);
        public static Outcome Complete(JsonElement? result) => new(OutcomeKind.Complete, result);
        public static Outcome Fail(JobError error, bool retryable) => new(OutcomeKind.Fail, Error: error, Retryable: retryable);
    }
}
