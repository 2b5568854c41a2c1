namespace RenderQueue.Faults.Tests.Checking;

/// <summary>
/// One execution of one attempt of a job by one worker process, from the ledger: it started, and it ended with
/// <see cref="Outcome"/> (<c>succeeded</c>, <c>failed:CLASS</c>, <c>canceled</c>) unless the process died first.
/// </summary>
public sealed record Execution(string JobId, int Attempt, int ProcessId, DateTimeOffset StartedAt, DateTimeOffset? EndedAt = null, string? Outcome = null)
{
    public bool Died => EndedAt is null;

    public bool Succeeded => Outcome == "succeeded";
}
