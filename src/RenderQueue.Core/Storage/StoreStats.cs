using System.Text.Json.Serialization;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;

namespace RenderQueue.Core.Storage;

/// <summary>
/// Jobs in each state, read by state with <see cref="Of"/>; serialized as <c>{"scheduled": n, …, "total": n}</c>.
/// Keyed by state rather than one field per state, so a new state is counted without touching this type.
/// </summary>
[JsonConverter(typeof(StateCountsJsonConverter))]
public sealed class StateCounts : IEquatable<StateCounts>
{
    private readonly IReadOnlyDictionary<JobState, long> _counts;

    /// <summary>Counts by state; a state not given counts 0.</summary>
    public StateCounts(IReadOnlyDictionary<JobState, long> counts) => _counts = counts;

    public static StateCounts Zero { get; } = new(new Dictionary<JobState, long>());

    /// <summary>The states with a count, known ones first; a store's extra states follow.</summary>
    public IEnumerable<JobState> States => JobStates.All.Union(_counts.Keys);

    /// <summary>Jobs in <paramref name="state"/>.</summary>
    public long Of(JobState state) => _counts.GetValueOrDefault(state);

    public long Scheduled => Of(JobState.Scheduled);
    public long Queued => Of(JobState.Queued);
    public long Running => Of(JobState.Running);
    public long Succeeded => Of(JobState.Succeeded);
    public long Failed => Of(JobState.Failed);
    public long Canceled => Of(JobState.Canceled);
    public long Total => _counts.Values.Sum();

    public StateCounts Plus(StateCounts other) =>
        new(States.Union(other.States).ToDictionary(state => state, state => Of(state) + other.Of(state)));

    /// <summary>Equal when every state has the same count (a state not given counts 0).</summary>
    public bool Equals(StateCounts? other) => other is not null && States.Union(other.States).All(state => Of(state) == other.Of(state));

    public override bool Equals(object? obj) => Equals(obj as StateCounts);

    public override int GetHashCode() => Total.GetHashCode();

    public override string ToString() => string.Join(", ", States.Select(state => $"{state.ToWire()} = {Of(state)}"));
}

/// <summary>Running totals since the queue was first used (not reduced by retention).</summary>
public sealed record QueueTotals(long Submitted, long Succeeded, long Failed, long Canceled);

/// <summary>One queue: whether it is paused, its jobs by state, its totals and its settings (<see cref="QueueSettings"/>).</summary>
/// <param name="Name">The queue's name.</param>
/// <param name="Paused">A paused queue accepts jobs and leases none.</param>
/// <param name="Counts">Its jobs by state (<c>queued</c> are ready, <c>running</c> are leased).</param>
/// <param name="Totals">Running totals since it was first used.</param>
/// <param name="Weight">Its share of leases against other queues at the same priority (default 1).</param>
/// <param name="MaxRunning">At most this many of its jobs run at once; null for no cap.</param>
public sealed record QueueInfo(string Name, bool Paused, StateCounts Counts, QueueTotals Totals,
    int Weight = QueueSettings.DefaultWeight, int? MaxRunning = null)
{
    /// <summary>The queue's settings as one record.</summary>
    [JsonIgnore]
    public QueueSettings Settings => new(Weight, MaxRunning);
}

/// <summary>The whole store at a glance; read from counters, never by scanning jobs.</summary>
public sealed record StoreStats(StateCounts Counts, IReadOnlyList<QueueInfo> Queues, int WorkersOnline);
