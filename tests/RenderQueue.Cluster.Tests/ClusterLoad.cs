using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;

namespace RenderQueue.Cluster.Tests;

/// <summary>
/// Traffic through nginx, as a fleet makes it: two clients submitting jobs to one queue (each job with its own
/// Idempotency-Key, resent after an error until some node answers 2xx), and workers long-polling for leases and
/// completing what they get, retrying after errors. It records which submits were accepted and when jobs completed.
/// </summary>
internal sealed class ClusterLoad : IAsyncDisposable
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(50);

    private readonly Cluster _cluster;
    private readonly Uri _through;
    private readonly CancellationTokenSource _stopSubmitting = new();
    private readonly CancellationTokenSource _stopWorking = new();
    private readonly ConcurrentDictionary<string, string> _accepted = new();
    private readonly ConcurrentQueue<(TimeSpan At, string JobId)> _completed = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly List<Task> _submitters = [];
    private readonly List<Task> _loops = [];
    private int _unresolved;

    private ClusterLoad(Cluster cluster, Uri through, string queue)
    {
        _cluster = cluster;
        _through = through;
        Queue = queue;
    }

    public string Queue { get; }

    /// <summary>Time since the load started; the timestamps of what it records.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    /// <summary>Idempotency key → job id, for every submit some node answered 2xx.</summary>
    public IReadOnlyDictionary<string, string> Accepted => _accepted;

    public IReadOnlyCollection<(TimeSpan At, string JobId)> Completed => _completed;

    /// <summary>Submits still without a 2xx when submitting stopped (their job may or may not exist).</summary>
    public int Unresolved => Volatile.Read(ref _unresolved);

    /// <summary>Errors seen by kind ("submit 502", "lease HttpRequestException", …), for the report.</summary>
    public string ErrorSummary => _errors.IsEmpty ? "none" : string.Join(", ", _errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value}"));

    public static ClusterLoad Start(Cluster cluster, Uri through, string queue, int workers)
    {
        var load = new ClusterLoad(cluster, through, queue);
        load._submitters.Add(Task.Run(load.SubmitLoopAsync));
        load._submitters.Add(Task.Run(load.SubmitLoopAsync));
        for (var i = 0; i < workers; i++)
        {
            var id = $"{queue}-worker-{i}";
            load._loops.Add(Task.Run(() => load.WorkLoopAsync(id)));
        }
        return load;
    }

    /// <summary>Waits until at least <paramref name="count"/> jobs completed after <paramref name="since"/>; returns when the first of them did.</summary>
    public async Task<TimeSpan> UntilCompletedAsync(int count, TimeSpan since, TimeSpan limit)
    {
        await Cluster.UntilAsync(() => Task.FromResult(_completed.Count(c => c.At > since) >= count), $"{count} completions", limit);
        return _completed.Where(c => c.At > since).Min(c => c.At);
    }

    /// <summary>Stops submitting; a submit in flight is resent until it is answered 2xx or <paramref name="limit"/> passes.</summary>
    public async Task StopSubmittingAsync(TimeSpan limit)
    {
        await _stopSubmitting.CancelAsync();
        await Task.WhenAll(_submitters).WaitAsync(limit);
    }

    /// <summary>Waits until every accepted job has succeeded (the workers keep working), reading the store through nginx.</summary>
    public async Task<IReadOnlyList<Job>> UntilAllSucceededAsync(TimeSpan limit)
    {
        var http = _cluster.Http(_through, TimeSpan.FromSeconds(30));
        IReadOnlyList<Job> jobs = [];
        await Cluster.UntilAsync(async () =>
        {
            jobs = await ListQueueAsync(http);
            return jobs.Count >= _accepted.Count && jobs.All(j => j.State == JobState.Succeeded);
        }, $"all {_accepted.Count} accepted jobs of queue {Queue} to succeed", limit);
        return jobs;
    }

    private async Task<IReadOnlyList<Job>> ListQueueAsync(HttpClient http)
    {
        var client = new RenderQueueClient(http);
        var jobs = new List<Job>();
        string? cursor = null;
        do
        {
            var page = await client.ListJobsAsync(new JobListQuery { Queue = Queue, Limit = 500, Cursor = cursor });
            jobs.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        return jobs;
    }

    private async Task SubmitLoopAsync()
    {
        var client = _cluster.Client(_through);
        using var hardStop = new CancellationTokenSource();
        using var stopping = _stopSubmitting.Token.Register(() => hardStop.CancelAfter(TimeSpan.FromSeconds(15)));
        while (!_stopSubmitting.IsCancellationRequested)
        {
            var key = Guid.NewGuid().ToString("N");
            var request = new SubmitJobRequest { Type = "simulated", Queue = Queue, Payload = JsonSerializer.SerializeToElement(new { key }) };
            var accepted = false;
            while (!accepted && !hardStop.IsCancellationRequested)
            {
                try
                {
                    var job = await client.SubmitAsync(request, key, hardStop.Token);
                    _accepted[key] = job.Id;
                    accepted = true;
                }
                catch (Exception e) when (e is not OperationCanceledException || !hardStop.IsCancellationRequested)
                {
                    Count("submit", e);
                    await Delay(Backoff, hardStop.Token);
                }
            }
            if (!accepted) Interlocked.Increment(ref _unresolved);
            await Delay(Pause, _stopSubmitting.Token);
        }
    }

    private async Task WorkLoopAsync(string workerId)
    {
        var client = _cluster.Client(_through);
        var stop = _stopWorking.Token;
        var registration = new WorkerRegistration { Id = workerId, Name = workerId, Types = ["simulated"], Queues = [Queue] };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await client.RegisterWorkerAsync(registration, stop);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                Count("register", e);
                await Delay(Backoff, stop);
            }
        }
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var lease = await client.LeaseAsync(new LeaseJobsRequest { WorkerId = workerId, MaxJobs = 5, Wait = TimeSpan.FromSeconds(2) }, stop);
                foreach (var job in lease.Jobs) await CompleteAsync(client, job, stop);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                Count("lease", e);
                await Delay(Backoff, stop);
            }
        }
    }

    /// <summary>Completes a job, resending after an error; a 409 means an earlier try (or the reaper) got there first.</summary>
    private async Task CompleteAsync(RenderQueueClient client, Job job, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await client.CompleteAsync(job.LeaseToken, JsonSerializer.SerializeToElement(new { ok = true }), stop);
                _completed.Enqueue((Clock.Elapsed, job.Id));
                return;
            }
            catch (LeaseLostException)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                Count("complete", e);
                await Delay(Backoff, stop);
            }
        }
    }

    private void Count(string call, Exception e)
    {
        var kind = e is RenderQueueApiException api ? ((int)api.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : e.GetType().Name;
        _errors.AddOrUpdate($"{call} {kind}", 1, (_, n) => n + 1);
    }

    private static async Task Delay(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopSubmitting.CancelAsync();
        await _stopWorking.CancelAsync();
        try
        {
            await Task.WhenAll([.. _submitters, .. _loops]).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            // the loops end by cancellation
        }
        _stopSubmitting.Dispose();
        _stopWorking.Dispose();
    }
}
