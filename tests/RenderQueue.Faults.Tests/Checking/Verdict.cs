namespace RenderQueue.Faults.Tests.Checking;

/// <summary>What happened to one accepted job, the worst first.</summary>
public enum Verdict
{
    /// <summary>Gone from the server, never finished, finished otherwise than expected, or "succeeded" without any execution finishing it.</summary>
    Lost,

    /// <summary>The server recorded more than one successful completion.</summary>
    DoubleCompleted,

    /// <summary>Completed once, but executed more than once (allowed after a lease expired; counted).</summary>
    Duplicated,

    /// <summary>Executed once and completed once.</summary>
    Ok,
}

/// <summary>The verdict on one job, with the counts behind it and, unless ok, why.</summary>
public sealed record JobVerdict(string JobId, Verdict Verdict, int Executions, int Completions, string Why);
