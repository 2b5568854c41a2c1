namespace RenderQueue.Core.Storage;

/// <summary>
/// Chooses, among the server nodes sharing a store, the one node that runs the services which must not run on
/// several nodes at once: the lease reaper, the scheduler and the retention cleaner. Each store registers its own
/// election: a store that serves a single node (SQLite) makes that node the leader for good; a shared store
/// (Redis) holds a leader lease that the leader renews and another node takes over when the leader dies.
/// </summary>
public interface ILeaderElection
{
    /// <summary>The term this node leads in now; null while it does not lead.</summary>
    LeaderTerm? CurrentTerm { get; }

    /// <summary>
    /// Waits until this node leads and returns the term. Work done for the term watches
    /// <see cref="LeaderTerm.Ended"/>, which fires when the node stops leading (the lease was lost or given up).
    /// </summary>
    Task<LeaderTerm> WaitForTermAsync(CancellationToken cancellationToken);
}

/// <summary>One stretch of time in which this node leads.</summary>
/// <param name="FencingToken">
/// Larger for every new term, on whichever node it starts, so anything a stale leader does under an older token
/// can be told apart from the current leader's.
/// </param>
/// <param name="Ended">Fires when the term ends.</param>
public sealed record LeaderTerm(long FencingToken, CancellationToken Ended)
{
    /// <summary>Whether the term is still going on.</summary>
    public bool IsCurrent => !Ended.IsCancellationRequested;
}
