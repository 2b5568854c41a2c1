namespace RenderQueue.Core.Storage;

/// <summary>A queued job's place and expected wait.</summary>
/// <param name="Position">1 = next to be leased among jobs of its queue and type (exact up to the store's
/// count limit, which it then reports).</param>
/// <param name="Eta">Expected wait: jobs ahead spread over the online workers of its type, times the measured
/// mean duration of its queue and type; null until a duration has been measured.</param>
public sealed record QueuePosition(int Position, TimeSpan? Eta);
