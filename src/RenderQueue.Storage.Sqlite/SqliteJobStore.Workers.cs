using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;

namespace RenderQueue.Storage.Sqlite;

public sealed partial class SqliteJobStore
{
    public Task<WorkerInfo> RegisterWorkerAsync(WorkerRegistration registration, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var now = Now;
            var id = registration.Id ?? "worker-" + JobId.New(_time);
            var worker = new WorkerInfo
            {
                Id = id,
                Registration = registration with { Id = id },
                RegisteredAt = now,
                LastSeenAt = now,
            };
            SaveWorker(context.Sql, worker);
            ReleaseLargerGpuWaits(context, worker, now);
            return WithStatus(worker, now);
        }, cancellationToken);

    public Task<WorkerInfo> HeartbeatAsync(string workerId, WorkerHeartbeat heartbeat, CancellationToken cancellationToken) =>
        UpdateWorkerAsync(workerId, (worker, now) => worker with
        {
            LastSeenAt = now,
            CurrentJobs = heartbeat.CurrentJobs,
            Draining = heartbeat.Draining,
            Registration = worker.Registration with
            {
                Gpus = heartbeat.Gpus ?? worker.Registration.Gpus,
                Models = heartbeat.Models ?? worker.Registration.Models,
                Backends = heartbeat.Backends ?? worker.Registration.Backends,
            },
        }, cancellationToken);

    public Task<WorkerInfo> RequestDrainAsync(string workerId, CancellationToken cancellationToken) =>
        UpdateWorkerAsync(workerId, (worker, _) => worker with { DrainRequested = true }, cancellationToken);

    public Task<IReadOnlyList<WorkerInfo>> ListWorkersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WorkerInfo>>(_readers.Read(Workers));

    public Task<QueueInfo> SetQueuePausedAsync(string queue, bool paused, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            context.Sql.Execute(
                "INSERT INTO queues (name, paused) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET paused = excluded.paused",
                queue, paused ? 1 : 0);
            if (!paused) context.JobsReady(queue);
            return Queues(context.Sql).Single(q => q.Name == queue);
        }, cancellationToken);

    private Task<WorkerInfo> UpdateWorkerAsync(string workerId, Func<WorkerInfo, DateTimeOffset, WorkerInfo> update, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var body = context.Sql.Scalar("SELECT body FROM workers WHERE id = $1", workerId) as string
                ?? throw new WorkerNotFoundException(workerId);
            var now = Now;
            var worker = update(JsonSerializer.Deserialize<WorkerInfo>(body, RenderQueueJson.Compact)!, now);
            SaveWorker(context.Sql, worker);
            ReleaseLargerGpuWaits(context, worker, now);
            return WithStatus(worker, now);
        }, cancellationToken);

    private static void SaveWorker(Commands sql, WorkerInfo worker) => sql.Execute(
        """
        INSERT INTO workers (id, last_seen_at, body) VALUES ($1, $2, $3)
        ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at, body = excluded.body
        """,
        worker.Id, UnixTime.Ms(worker.LastSeenAt), JsonSerializer.Serialize(worker, RenderQueueJson.Compact));

    private List<WorkerInfo> Workers(Commands sql)
    {
        var now = Now;
        var workers = new List<WorkerInfo>();
        using var reader = sql.Query("SELECT body FROM workers ORDER BY id");
        while (reader.Read())
            workers.Add(WithStatus(JsonSerializer.Deserialize<WorkerInfo>(reader.GetString(0), RenderQueueJson.Compact)!, now));
        return workers;
    }

    private WorkerInfo WithStatus(WorkerInfo worker, DateTimeOffset now) =>
        worker.WithStatusAt(now, _rules.WorkerTtl);
}
