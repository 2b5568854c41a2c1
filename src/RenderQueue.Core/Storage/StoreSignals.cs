namespace RenderQueue.Core.Storage;

/// <summary>
/// Wake-ups a store raises after it commits: jobs became leasable, or events were appended. Distributed
/// stores raise them on every node (Redis pub/sub). Handlers run on the store's thread and must be quick.
/// A signal can be missed (e.g. while reconnecting), so listeners also re-check now and then.
/// </summary>
public sealed class StoreSignals
{
    /// <summary>Jobs became leasable in this queue.</summary>
    public event Action<string>? JobsReady;

    /// <summary>Events up to this sequence were appended.</summary>
    public event Action<long>? EventsAppended;

    public void RaiseJobsReady(string queue) => JobsReady?.Invoke(queue);

    public void RaiseEventsAppended(long lastSequence) => EventsAppended?.Invoke(lastSequence);
}
