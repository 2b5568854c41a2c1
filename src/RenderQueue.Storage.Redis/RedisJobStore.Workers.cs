using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;

namespace RenderQueue.Storage.Redis;

public sealed partial class RedisJobStore
{
    public async Task<WorkerInfo> RegisterWorkerAsync(WorkerRegistration registration, CancellationToken cancellationToken)
    {
        var id = registration.Id ?? "worker-" + JobId.New(_time);
        var reply = await RunAsync(_scripts.RegisterWorker,
        [
            id,
            WorkerHash.Serialize(registration with { Id = id }),
            WorkerHash.Serialize(registration.Gpus),
            WorkerHash.Serialize(registration.Models),
            WorkerHash.Serialize(registration.Backends),
        ], cancellationToken);
        return WorkerHash.Read(reply.Value, _time.GetUtcNow(), _rules.WorkerTtl);
    }

    public async Task<WorkerInfo> HeartbeatAsync(string workerId, WorkerHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.Heartbeat,
        [
            workerId,
            WorkerHash.Serialize(heartbeat.CurrentJobs),
            heartbeat.Gpus is null ? "" : WorkerHash.Serialize(heartbeat.Gpus),
            heartbeat.Models is null ? "" : WorkerHash.Serialize(heartbeat.Models),
            Flag(heartbeat.Draining),
            heartbeat.Backends is null ? "" : WorkerHash.Serialize(heartbeat.Backends),
        ], cancellationToken);
        return ReadWorker(reply, workerId);
    }

    public async Task<WorkerInfo> RequestDrainAsync(string workerId, CancellationToken cancellationToken) =>
        ReadWorker(await RunAsync(_scripts.Drain, [workerId], cancellationToken), workerId);

    public async Task<IReadOnlyList<WorkerInfo>> ListWorkersAsync(CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.Workers, [], cancellationToken);
        var now = _time.GetUtcNow();
        return [.. reply.Items.Select(flat => WorkerHash.Read(flat, now, _rules.WorkerTtl)).OrderBy(w => w.Id, StringComparer.Ordinal)];
    }

    public async Task<QueueInfo> SetQueuePausedAsync(string queue, bool paused, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(_scripts.Pause, [queue, Flag(paused)], cancellationToken);
        return QueueHash.Read(queue, new RedisFields(reply.Value), _rules.States);
    }

    private WorkerInfo ReadWorker(ScriptReply reply, string workerId) =>
        reply.IsNotFound ? throw new WorkerNotFoundException(workerId) : WorkerHash.Read(reply.Value, _time.GetUtcNow(), _rules.WorkerTtl);
}
