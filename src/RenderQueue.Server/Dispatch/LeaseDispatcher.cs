using Microsoft.Extensions.Options;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Metrics;

namespace RenderQueue.Server.Dispatch;

/// <summary>
/// The long-poll behind <c>POST /api/v1/leases</c>. A request that finds nothing parks until the store signals
/// that jobs became ready in one of its queues, then tries again. A signal wakes one parked request, the one whose
/// worker was busy most recently (<see cref="BusyClock"/>; among never-busy ones the one parked longest), and travels on as a <see cref="WakeChain"/> only as far as it has to (more jobs may be left, or
/// the job needs what that worker lacks), rather than waking every parked request to race for one job: with many
/// idle workers that race cost a store look per worker per submit. Requests busy looking when a signal comes with
/// nobody parked look again. Every request also re-checks every <see cref="LeaseOptions.RecheckInterval"/> in case
/// a signal was missed, and sooner when the store held a job back from it for warm-model affinity: at the moment the
/// hold ends, which no signal announces. No polling interval sits in the hot path: a parked worker gets a job as soon
/// as it is committed.
/// </summary>
internal sealed partial class LeaseDispatcher : IDisposable
{
    private readonly IJobStore _store;
    private readonly TimeProvider _time;
    private readonly LeaseOptions _options;
    private readonly RenderQueueMetrics _metrics;
    private readonly ILogger<LeaseDispatcher> _logger;
    private readonly Lock _gate = new();
    private readonly List<LeaseWaiter> _waiters = []; // in arrival order: among equally busy, the longest parked is woken first
    private readonly BusyClock _busy;

    public LeaseDispatcher(IJobStore store, TimeProvider time, IOptions<LeaseOptions> options, RenderQueueMetrics metrics, ILogger<LeaseDispatcher> logger)
    {
        _store = store;
        _time = time;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _busy = new BusyClock(time);
        _store.Signals.JobsReady += OnJobsReady;
    }

    /// <summary>Looks at the store made by lease requests, for tests of how many a signal costs.</summary>
    public long StoreLooks => Interlocked.Read(ref _storeLooks);

    private long _storeLooks;

    /// <summary>Requests asleep with their wake-up timer armed, for tests and metrics. A test that sees one
    /// parked can move a manual clock and know the wait's timeout will fire.</summary>
    public int Parked
    {
        get { lock (_gate) return _waiters.Count(w => w.IsWaiting); }
    }

    /// <summary>
    /// Leases what <paramref name="request"/> can get now, or waits up to <paramref name="wait"/> for it. When
    /// <paramref name="cancellationToken"/> fires (the client went away, the server stops) it returns nothing, and
    /// hands back any job it leased in that instant so no job is held by a worker that will never see it.
    /// </summary>
    public async Task<IReadOnlyList<Job>> LeaseAsync(LeaseRequest request, TimeSpan wait, CancellationToken cancellationToken)
    {
        var waiter = new LeaseWaiter(request.Queues, _busy.Arrived(request.WorkerId));
        var started = _time.GetTimestamp();
        lock (_gate) _waiters.Add(waiter);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                waiter.Reset();
                var chain = waiter.TakeChain();
                Interlocked.Increment(ref _storeLooks);
                var deferral = request.AffinityWait > TimeSpan.Zero ? new AffinityDeferral() : null;
                // Not cancellable on purpose: a lease that commits must reach the code that can release it.
                var jobs = await _store.LeaseAsync(deferral is null ? request : request with { Deferral = deferral }, CancellationToken.None);
                if (chain is not null) AnswerFor(chain, jobs.Count);
                if (jobs.Count > 0)
                {
                    _busy.Leased(request.WorkerId);
                    return await DeliverAsync(jobs, cancellationToken);
                }

                var left = wait - _time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero) break;
                await ParkAsync(waiter, Min(Min(left, _options.RecheckInterval), UntilHoldEnds(deferral)), cancellationToken);
            }
            return [];
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
                // Woken with a chain but leaving before looking (cancelled, or the wait ran out): pass it on.
                if (waiter.TakeChain() is { } unanswered) HandOn(unanswered);
            }
        }
    }

    public void Dispose() => _store.Signals.JobsReady -= OnJobsReady;

    private async Task<IReadOnlyList<Job>> DeliverAsync(IReadOnlyList<Job> jobs, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            foreach (var job in jobs) await ReleaseAsync(job);
            return [];
        }
        foreach (var job in jobs) _metrics.Leased(job);
        return jobs;
    }

    private async Task ReleaseAsync(Job job)
    {
        try
        {
            await _store.ReleaseAsync(job.LeaseToken, "The worker went away before the lease reached it.", CancellationToken.None);
            Log.ReleasedUndelivered(_logger, job.Id, job.Attempt);
        }
        catch (JobStoreException e)
        {
            Log.ReleaseFailed(_logger, e, job.Id, job.Attempt);
        }
    }

    private async Task ParkAsync(LeaseWaiter waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await waiter.WaitAsync(timeout, _time, cancellationToken); // woken, or the safety-net re-check, or the end of the wait
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the loop ends
        }
    }

    /// <summary>How long until a job held back from this request for affinity becomes takeable (at least a millisecond,
    /// so a clock step cannot spin the loop); forever when none was.</summary>
    private TimeSpan UntilHoldEnds(AffinityDeferral? deferral) =>
        deferral?.Until is { } until ? Max(until - _time.GetUtcNow(), TimeSpan.FromMilliseconds(1)) : TimeSpan.MaxValue;

    private void OnJobsReady(string queue)
    {
        lock (_gate) HandOn(new WakeChain(queue));
    }

    private void AnswerFor(WakeChain chain, int leased)
    {
        lock (_gate)
        {
            if (chain.MovesOnAfter(leased)) HandOn(chain);
        }
    }

    /// <summary>
    /// Wakes the parked request for the chain's queue that has not had it whose worker was busy most recently (the
    /// longest parked among equals). With none parked, every request of that queue that is busy looking looks once
    /// more, since its look may have begun before the jobs were committed. Called under <see cref="_gate"/>.
    /// </summary>
    private void HandOn(WakeChain chain)
    {
        while (true)
        {
            LeaseWaiter? next = null;
            foreach (var waiter in _waiters)
            {
                if (waiter.Wants(chain.Queue) && waiter.IsParked && !chain.HasTried(waiter) && (next is null || waiter.BusyAt > next.BusyAt)) next = waiter;
            }
            if (next is null) break;
            if (chain.TryClaim(next) && next.TryWakeWith(chain)) return;
        }
        foreach (var waiter in _waiters)
        {
            if (waiter.Wants(chain.Queue) && !waiter.IsWaiting) waiter.Wake();
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
