using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Storage;

/// <summary>
/// The states a store keeps and the named sets its queries and scripts are written from: SQLite renders
/// <c>state IN (…)</c> and its per-state counter columns from these, Redis prepends them to every script as Lua
/// tables. No store compares state numbers or spells a set out, so a new state is its enum member and its place
/// in the sets of <see cref="JobStates"/>, and nothing else.
/// </summary>
public sealed record JobStateSets
{
    /// <summary>The sets of <see cref="JobStates"/>: what every store uses outside tests.</summary>
    public static JobStateSets Default { get; } = new()
    {
        All = JobStates.All,
        Finished = JobStates.Finished,
        Pending = JobStates.Pending,
        Retryable = JobStates.Retryable,
    };

    /// <summary>Every state, each with its counter and its listing index.</summary>
    public required IReadOnlyList<JobState> All { get; init; }

    /// <summary>Removed by retention, counted in totals; anything else is unfinished.</summary>
    public required IReadOnlyList<JobState> Finished { get; init; }

    /// <summary>Not started yet: canceled at once, priority may change.</summary>
    public required IReadOnlyList<JobState> Pending { get; init; }

    /// <summary>A person may retry these.</summary>
    public required IReadOnlyList<JobState> Retryable { get; init; }

    /// <summary>
    /// These sets with one more unfinished state, which stores then count, list and keep like any other. Lets the
    /// contract suite prove a store takes its states from the sets before a real new state exists.
    /// </summary>
    public JobStateSets Adding(JobState state) => this with { All = [.. All, state] };
}
