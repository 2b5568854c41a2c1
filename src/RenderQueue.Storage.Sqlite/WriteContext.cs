using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// What an operation sees inside the writer's transaction: the prepared commands, and a place to note
/// the signals to raise once the transaction commits (dropped if the operation is rolled back).
/// </summary>
internal sealed class WriteContext(Commands commands, TimeSpan webhookProgressInterval)
{
    private readonly HashSet<string> _readyQueues = new(StringComparer.Ordinal);
    private readonly List<string> _operationReadyQueues = [];
    private long _lastEvent;
    private long _operationLastEvent;

    public Commands Sql { get; } = commands;

    /// <summary>A job's progress goes into the webhook outbox at most this often.</summary>
    public TimeSpan WebhookProgressInterval { get; } = webhookProgressInterval;

    public void JobsReady(string queue) => _operationReadyQueues.Add(queue);

    public void EventAppended(long sequence) => _operationLastEvent = Math.Max(_operationLastEvent, sequence);

    public void BeginOperation()
    {
        _operationReadyQueues.Clear();
        _operationLastEvent = 0;
    }

    public void KeepOperationSignals()
    {
        _readyQueues.UnionWith(_operationReadyQueues);
        _lastEvent = Math.Max(_lastEvent, _operationLastEvent);
    }

    public void RaiseSignals(StoreSignals signals)
    {
        foreach (var queue in _readyQueues) signals.RaiseJobsReady(queue);
        if (_lastEvent > 0) signals.RaiseEventsAppended(_lastEvent);
    }
}
