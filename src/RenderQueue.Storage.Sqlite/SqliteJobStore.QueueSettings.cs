using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

public sealed partial class SqliteJobStore
{
    public Task<QueueInfo> UpdateQueueSettingsAsync(string queue, QueueSettingsChange change, CancellationToken cancellationToken)
    {
        change.ThrowIfInvalid();
        return _writer.WriteAsync(context =>
        {
            // $3: whether max_running changes; $4 its new value (NULL = no cap).
            context.Sql.Execute(
                """
                INSERT INTO queues (name, weight, max_running) VALUES ($1, coalesce($2, 1), CASE WHEN $3 THEN $4 END)
                ON CONFLICT (name) DO UPDATE SET
                    weight = coalesce($2, weight), max_running = CASE WHEN $3 THEN $4 ELSE max_running END
                """,
                queue, change.Weight, change.SetsMaxRunning ? 1 : 0, change.MaxRunning);
            context.JobsReady(queue); // a raised cap may let parked workers lease
            return Queues(context.Sql).Single(q => q.Name == queue);
        }, cancellationToken);
    }
}
