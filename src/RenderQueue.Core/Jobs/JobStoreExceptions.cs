namespace RenderQueue.Core.Jobs;

/// <summary>A store refused an operation; nothing was changed.</summary>
public abstract class JobStoreException(string message) : Exception(message);

/// <summary>No job has this id (it never existed or retention removed it).</summary>
public sealed class JobNotFoundException(string jobId)
    : JobStoreException($"Job '{jobId}' was not found.")
{
    public string JobId { get; } = jobId;
}

/// <summary>
/// A worker presented a lease token that is not the job's running attempt: the lease expired and the job
/// moved on, or the call is a duplicate. The worker must stop working on the job.
/// </summary>
public sealed class LeaseConflictException(LeaseToken token, JobState state, int currentAttempt)
    : JobStoreException(
        $"Attempt {token.Attempt} of job '{token.JobId}' no longer holds the lease: the job is {state.ToWire()} at attempt {currentAttempt}.")
{
    public LeaseToken Token { get; } = token;
    public JobState State { get; } = state;
    public int CurrentAttempt { get; } = currentAttempt;
}

/// <summary>The job's state does not allow the operation (e.g. retrying a running job).</summary>
public sealed class JobStateConflictException(string jobId, JobState state, string operation)
    : JobStoreException($"Cannot {operation} job '{jobId}' while it is {state.ToWire()}.")
{
    public string JobId { get; } = jobId;
    public JobState State { get; } = state;
    public string Operation { get; } = operation;
}
