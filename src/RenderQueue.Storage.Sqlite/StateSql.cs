using System.Globalization;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Webhooks;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// SQL about states, rendered from the enum and the store's <see cref="JobStateSets"/> so no statement spells a
/// state number or a set. Partial indexes use the same text as the queries, which is what lets SQLite use them.
/// </summary>
internal sealed class StateSql(JobStateSets sets)
{
    public static readonly string IsScheduled = Is(JobState.Scheduled);
    public static readonly string IsQueued = Is(JobState.Queued);
    public static readonly string IsRunning = Is(JobState.Running);

    public static readonly string DeliveryIsPending = $"state = {(int)WebhookDeliveryState.Pending}";
    public static readonly string DeliveryIsFinished = $"state > {(int)WebhookDeliveryState.Pending}";

    public JobStateSets Sets { get; } = sets;

    /// <summary>The condition of the finished partial index and of retention.</summary>
    public string IsFinished { get; } = $"state IN ({Numbers(sets.Finished)})";

    /// <summary>The finished partial index, as created and as compared with the one a database has.</summary>
    public string FinishedIndex => $"CREATE INDEX ix_jobs_finished ON jobs(finished_at) WHERE {IsFinished}";

    /// <summary>Every per-state counter column of <c>queues</c>, in <see cref="JobStateSets.All"/> order.</summary>
    public IEnumerable<string> CounterColumns => Sets.All.Select(Column).Concat(Sets.Finished.Select(TotalColumn));

    /// <summary>The <c>queues</c> column counting jobs in <paramref name="state"/>.</summary>
    public static string Column(JobState state) => state.ToWire();

    /// <summary>The <c>queues</c> column counting jobs that ever reached finished <paramref name="state"/>.</summary>
    public static string TotalColumn(JobState state) => "total_" + state.ToWire();

    public bool Finished(JobState state) => Sets.Finished.Contains(state);

    private static string Is(JobState state) => $"state = {(int)state}";

    private static string Numbers(IEnumerable<JobState> states) =>
        string.Join(", ", states.Select(state => ((int)state).ToString(CultureInfo.InvariantCulture)));
}
