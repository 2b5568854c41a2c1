using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace RenderQueue.Core.Jobs;

/// <summary>
/// Where a job is in its life. Serialized in snake_case (<c>queued</c>, <c>running</c>, …). The numbers are
/// stored (SQLite's <c>state</c> column), so a value never changes and a new state takes the next free number.
/// </summary>
public enum JobState
{
    /// <summary>Waiting for its <c>run_at</c> or a retry backoff to pass.</summary>
    Scheduled = 0,
    /// <summary>Ready to be leased by a worker.</summary>
    Queued = 1,
    /// <summary>Leased by a worker that keeps renewing the lease.</summary>
    Running = 2,
    /// <summary>Completed by a worker.</summary>
    Succeeded = 3,
    /// <summary>Attempts exhausted or not retryable: the dead-letter set.</summary>
    Failed = 4,
    /// <summary>Canceled by a person or a client.</summary>
    Canceled = 5,
}

/// <summary>
/// Facts about states that every store and the API agree on. A new state is its enum member plus its place in
/// these sets: the stores render their SQL and Lua from them.
/// </summary>
public static class JobStates
{
    /// <summary>All states, in life order.</summary>
    public static IReadOnlyList<JobState> All { get; } = Enum.GetValues<JobState>();

    /// <summary>A finished job has no worker and will not run again unless retried or flagged; retention removes it.</summary>
    public static IReadOnlyList<JobState> Finished { get; } = [JobState.Succeeded, JobState.Failed, JobState.Canceled];

    /// <summary>A pending job has not started its current attempt yet: it can be canceled at once or re-prioritized.</summary>
    public static IReadOnlyList<JobState> Pending { get; } = [JobState.Scheduled, JobState.Queued];

    /// <summary>A person may send these back to the queue.</summary>
    public static IReadOnlyList<JobState> Retryable { get; } = [JobState.Failed, JobState.Canceled];

    // The wire name is the JSON enum name, so the API, the stores and the serializer can never disagree.
    private static readonly FrozenDictionary<JobState, string> Names =
        All.ToFrozenDictionary(state => state, state => JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString()));

    private static readonly FrozenDictionary<string, JobState> ByName = Names.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    private const string UnnamedPrefix = "state_";

    /// <summary>A finished job has no worker and will not run again unless retried or flagged.</summary>
    public static bool IsFinished(this JobState state) => Finished.Contains(state);

    /// <summary>A pending job has not started its current attempt yet.</summary>
    public static bool IsPending(this JobState state) => Pending.Contains(state);

    /// <summary>A failed or canceled job that a person may retry.</summary>
    public static bool IsRetryable(this JobState state) => Retryable.Contains(state);

    /// <summary>
    /// The snake_case name used on the wire and in stores. A value without an enum member (a store's extra state,
    /// see <see cref="Storage.JobStoreOptions.States"/>) is <c>state_&lt;number&gt;</c>.
    /// </summary>
    public static string ToWire(this JobState state) =>
        Names.TryGetValue(state, out var name) ? name : UnnamedPrefix + ((int)state).ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a wire name of a state this build knows; false for anything else.</summary>
    public static bool TryParse(string? text, out JobState state)
    {
        state = default;
        return text is not null && ByName.TryGetValue(text, out state);
    }

    /// <summary>Parses a name a store wrote: a known wire name or <c>state_&lt;number&gt;</c>.</summary>
    public static bool TryParseStored(string? text, out JobState state)
    {
        if (TryParse(text, out state)) return true;
        if (text is not null && text.StartsWith(UnnamedPrefix, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(UnnamedPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            state = (JobState)number;
            return true;
        }
        return false;
    }

    /// <summary>As <see cref="TryParseStored"/>, for data a store wrote itself: anything else is corruption.</summary>
    public static JobState ParseStored(string? text) =>
        TryParseStored(text, out var state) ? state : throw new InvalidOperationException($"Unknown job state '{text}'.");
}
