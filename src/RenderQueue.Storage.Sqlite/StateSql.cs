using System.Globalization;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Webhooks;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// SQL about states, rendered from the enum, <see cref="JobStates"/> and the states the store keeps, so no statement
/// spells a state number or a set. Partial indexes use the same text as the queries, which is what lets SQLite use them.
/// </summary>
internal sealed class StateSql(IReadOnlyList<JobState> states)
{
    public static readonly string IsScheduled = Is(JobState.Scheduled);
    public static readonly string IsQueued = Is(JobState.Queued);
    public static readonly string IsRunning = Is(JobState.Running);

    public static readonly string DeliveryIsPending = $"state = {(int)WebhookDeliveryState.Pending}";
    public static readonly string DeliveryIsFinished = $"state > {(int)WebhookDeliveryState.Pending}";

    /// <summary>The condition of the finished partial index and of retention.</summary>
    public static readonly string IsFinished = $"state IN ({Numbers(JobStates.Finished)})";

    /// <summary>The finished partial index, as created and as compared with the one a database has.</summary>
    public static readonly string FinishedIndex = $"CREATE INDEX ix_jobs_finished ON jobs(finished_at) WHERE {IsFinished}";

    /// <summary>The states the store keeps: a counter and a place in listings each.</summary>
    public IReadOnlyList<JobState> States { get; } = states;

    /// <summary>Every queue with its totals, its settings (weight, max_running), then its counters in <see cref="States"/> order.</summary>
    public string SelectQueues { get; } =
        $"""
        SELECT name, paused, total_submitted, total_succeeded, total_failed, total_canceled, weight, max_running,
               {string.Join(", ", states.Select(Column))}
        FROM queues ORDER BY name
        """;

    /// <summary>Every per-state counter column of <c>queues</c>, in <see cref="States"/> order.</summary>
    public IEnumerable<string> CounterColumns => States.Select(Column).Concat(JobStates.Finished.Select(TotalColumn));

    /// <summary>The <c>queues</c> column counting jobs in <paramref name="state"/>.</summary>
    public static string Column(JobState state) => state.ToWire();

    /// <summary>The <c>queues</c> column counting jobs that ever reached finished <paramref name="state"/>.</summary>
    public static string TotalColumn(JobState state) => "total_" + state.ToWire();

    private static string Is(JobState state) => $"state = {(int)state}";

    private static string Numbers(IEnumerable<JobState> states) =>
        string.Join(", ", states.Select(state => ((int)state).ToString(CultureInfo.InvariantCulture)));
}
