namespace RenderQueue.Server.Dispatch;

/// <summary>
/// One "jobs are ready in <see cref="Queue"/>" signal, handed from parked request to parked request instead of
/// waking them all. It moves on after a lease that may have left jobs behind or found nothing while nobody has
/// found anything yet (the job may need what that worker lacks), and stops at the first empty look after a success.
/// Every request sees a chain at most once, so a chain ends after at most one look per parked request.
/// Used only under the dispatcher's lock.
/// </summary>
internal sealed class WakeChain(string queue)
{
    private readonly HashSet<LeaseWaiter> _tried = [];
    private bool _found;

    public string Queue => queue;

    /// <summary>Claims <paramref name="waiter"/> as the chain's next holder; false if it had the chain already.</summary>
    public bool TryClaim(LeaseWaiter waiter) => _tried.Add(waiter);

    /// <summary>Whether <paramref name="waiter"/> had the chain already.</summary>
    public bool HasTried(LeaseWaiter waiter) => _tried.Contains(waiter);

    /// <summary>What the holder's look at the store found; true if the chain should move on to another request.</summary>
    public bool MovesOnAfter(int leased)
    {
        if (leased > 0) _found = true;
        return leased > 0 || !_found;
    }
}
