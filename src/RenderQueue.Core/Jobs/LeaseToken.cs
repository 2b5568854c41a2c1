namespace RenderQueue.Core.Jobs;

/// <summary>
/// Identifies one attempt of one job. Every call a worker makes about a job carries it; a store refuses
/// (and changes nothing) when the attempt is not the job's current running attempt.
/// </summary>
public readonly record struct LeaseToken(string JobId, int Attempt);
