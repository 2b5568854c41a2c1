using System.Text.Json;
using RenderQueue.Core.Json;
using RenderQueue.Core.Workers;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// A worker as a Redis hash: its registration JSON, GPUs, models and backends (refreshed by heartbeats), current
/// jobs, times and drain flags. The registry's sorted set <c>P:workers</c> is scored by last-seen time,
/// so counting online workers is one ZCOUNT.
/// </summary>
internal static class WorkerHash
{
    public static WorkerInfo Read(RedisResult flat, DateTimeOffset now, TimeSpan ttl)
    {
        var f = new RedisFields(flat);
        var registration = Deserialize<WorkerRegistration>(f["reg"]) with
        {
            Gpus = Deserialize<List<GpuInfo>>(f["gpus"]),
            Models = Deserialize<List<string>>(f["models"]),
            Backends = f.Text("backends") is { } backends ? Deserialize<List<BackendInfo>>(backends) : [], // absent: registered before backends existed
        };
        var worker = new WorkerInfo
        {
            Id = f["id"],
            Registration = registration,
            RegisteredAt = f.Time("registered"),
            LastSeenAt = f.Time("seen"),
            CurrentJobs = Deserialize<List<string>>(f["jobs"]),
            DrainRequested = f.Flag("drain_requested"),
            Draining = f.Flag("draining"),
        };
        return worker.WithStatusAt(now, ttl);
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, RenderQueueJson.Compact);

    private static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, RenderQueueJson.Options)!;
}
