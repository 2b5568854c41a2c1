using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RenderQueue.Core.Storage;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// The leader election of the server nodes sharing a Redis store, over <see cref="RedisLeaderLease"/>. A hosted
/// loop tries to take the role every third of <see cref="RedisStoreOptions.LeaderLease"/> while another node holds
/// it, and renews it as often while this node leads. A term ends — <see cref="LeaderTerm.Ended"/> fires — when a
/// renewal finds the role gone; when no renewal got through in time — counted on this node from the moment the
/// last successful renewal was sent, and a tenth of the lease early, so the term ends before the lease can run out
/// in Redis even when this node's timers run late; or when the node stops, which also releases the role so that
/// another node takes over at its next try.
/// </summary>
public sealed partial class RedisLeaderElection : BackgroundService, ILeaderElection
{
    private readonly RedisLeaderLease _lease;
    private readonly TimeSpan _duration;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _termLength;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private TaskCompletionSource<LeaderTerm> _next = NewTermSource();
    private HeldTerm? _held;
    private HeldTerm? _ranOut;
    private LeaderLeaseTerm? _lastSeenLeader;
    private bool _unreachable;

    public RedisLeaderElection(IConnectionMultiplexer connection, RedisStoreOptions options, TimeProvider time, ILogger<RedisLeaderElection>? logger = null)
    {
        options.Validate();
        _lease = new RedisLeaderLease(connection.GetDatabase(), options.KeyPrefix);
        _duration = options.LeaderLease;
        _interval = options.LeaderLease / 3;
        _termLength = options.LeaderLease - options.LeaderLease / 10;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        NodeName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
    }

    /// <summary>This node's name in the role's value (<c>host:pid:random</c>), as <c>GET &lt;prefix&gt;:{leader}</c> shows it.</summary>
    public string NodeName { get; }

    public LeaderTerm? CurrentTerm
    {
        get
        {
            lock (_gate) return _held?.Term is { IsCurrent: true } term ? term : null;
        }
    }

    /// <summary>
    /// Never answers with a term that has already ended, even while the callbacks of its end are still running (a
    /// service whose work was cancelled by the end may be back here before this class's own callback ran).
    /// </summary>
    public Task<LeaderTerm> WaitForTermAsync(CancellationToken cancellationToken)
    {
        Task<LeaderTerm> next;
        lock (_gate)
        {
            RetireIfEnded();
            next = _next.Task;
        }
        return next.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            HeldTerm? held;
            HeldTerm? ranOut;
            lock (_gate)
            {
                RetireIfEnded();
                held = _held;
                ranOut = _ranOut;
                _ranOut = null;
            }
            try
            {
                // A term that ran out while Redis was unreachable may still be there: free it for whoever is next.
                if (ranOut is not null) await AskAsync(_lease.ReleaseAsync(ranOut.Lease), stoppingToken);
                if (held is null) await TryToLeadAsync(stoppingToken);
                else await RenewAsync(held, stoppingToken);
                _unreachable = false;
            }
            catch (Exception error) when (error is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (!_unreachable) Log.Unreachable(_logger, NodeName, held is null ? "take part in the election" : $"renew its term {held.Lease.Token}", error.Message);
                _unreachable = true;
            }
            try
            {
                await Task.Delay(_interval, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops the loop, ends the term if this node leads, and releases the role so another node can take it.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        HeldTerm? held;
        lock (_gate) held = _held;
        if (held is null) return;
        held.End(HeldTerm.Stopping);
        try
        {
            if (await AskAsync(_lease.ReleaseAsync(held.Lease), cancellationToken)) Log.Released(_logger, NodeName, held.Lease.Token);
        }
        catch (Exception error) when (error is RedisException or TimeoutException or OperationCanceledException)
        {
            Log.ReleaseFailed(_logger, error, NodeName, held.Lease.Token);
        }
    }

    private async Task TryToLeadAsync(CancellationToken ct)
    {
        var sentAt = _time.GetTimestamp();
        var (term, leader) = await AskAsync(_lease.TryAcquireAsync(NodeName, _duration), ct);
        if (term is not null)
        {
            Begin(term, _termLength - _time.GetElapsedTime(sentAt));
            return;
        }
        if (leader is null) return; // it expired a moment ago: next try
        if (leader.Node == NodeName)
        {
            // This node took the role but never heard back (the reply timed out): give it back, take it properly next time.
            await AskAsync(_lease.ReleaseAsync(leader), ct);
            return;
        }
        if (leader != _lastSeenLeader) Log.Following(_logger, NodeName, leader.Node, leader.Token);
        _lastSeenLeader = leader;
    }

    private async Task RenewAsync(HeldTerm held, CancellationToken ct)
    {
        var sentAt = _time.GetTimestamp();
        if (!await AskAsync(_lease.RenewAsync(held.Lease, _duration), ct))
        {
            held.End("its lease had run out in Redis or another node held the role");
            return;
        }
        held.Extend(_termLength - _time.GetElapsedTime(sentAt));
    }

    private void Begin(LeaderLeaseTerm lease, TimeSpan left)
    {
        var held = new HeldTerm(lease, left, _time);
        TaskCompletionSource<LeaderTerm> waiting;
        lock (_gate)
        {
            _held = held;
            waiting = _next;
        }
        _lastSeenLeader = lease;
        Log.Leading(_logger, NodeName, lease.Token, _duration.TotalSeconds);
        held.Term.Ended.Register(() => OnEnded(held));
        waiting.TrySetResult(held.Term);
    }

    private void OnEnded(HeldTerm held)
    {
        lock (_gate) RetireIfEnded();
        if (held.Reason == HeldTerm.Stopping) return;
        Log.NoLongerLeading(_logger, NodeName, held.Lease.Token,
            held.Reason ?? $"no renewal got through within its {_duration.TotalSeconds:0.###} s lease");
    }

    /// <summary>
    /// Forgets the held term once it has ended, and sets up the wait for the next one; under the lock. Whoever
    /// notices first does it: the term's own callback, the loop, or a service asking for the next term.
    /// </summary>
    private void RetireIfEnded()
    {
        if (_held is not { Term.IsCurrent: false } ended) return;
        _held = null;
        _next = NewTermSource();
        if (ended.Reason is null) _ranOut = ended; // it ran out: the loop releases it in case Redis still has it
    }

    /// <summary>One call to Redis, given at most a third of the lease: a slower answer is no answer.</summary>
    private Task<T> AskAsync<T>(Task<T> call, CancellationToken ct) => call.WaitAsync(_interval, _time, ct);

    private static TaskCompletionSource<LeaderTerm> NewTermSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A term this node holds; it ends on its own when the lease runs out without a renewal.</summary>
    private sealed class HeldTerm
    {
        public const string Stopping = "this node is stopping";

        private readonly CancellationTokenSource _ending;

        public HeldTerm(LeaderLeaseTerm lease, TimeSpan left, TimeProvider time)
        {
            Lease = lease;
            _ending = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, time);
            Term = new LeaderTerm(lease.Token, _ending.Token);
        }

        public LeaderLeaseTerm Lease { get; }

        public LeaderTerm Term { get; }

        /// <summary>Why the term was ended; null while it lasts or when it ran out.</summary>
        public string? Reason { get; private set; }

        public void Extend(TimeSpan left)
        {
            if (left <= TimeSpan.Zero) _ending.Cancel();
            else _ending.CancelAfter(left);
        }

        public void End(string reason)
        {
            Reason ??= reason;
            _ending.Cancel();
        }
    }
}
