using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Workers;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Jobs waiting for a larger GPU after an oom (see <see cref="LargerGpu"/>). Every decision reads the workers inside
/// the writer's transaction that changes the job, so a failure and a heartbeat can never both miss each other.
/// </summary>
public sealed partial class SqliteJobStore
{
    private const int MaxReleasedPerWorkerChange = 1_000;

    private static readonly string WaitingBelow =
        "SELECT seq FROM jobs WHERE gpu_wait_mb IS NOT NULL AND gpu_wait_mb < $1 ORDER BY gpu_wait_mb LIMIT $2";

    /// <summary>The id of an online worker that could take <paramref name="job"/> on a GPU larger than
    /// <paramref name="above"/>; null when there is none.</summary>
    private string? LargerGpuOnline(Commands sql, Job job, long above, DateTimeOffset now)
    {
        using var reader = sql.Query("SELECT body FROM workers WHERE last_seen_at >= $1", UnixTime.Ms(now - _rules.WorkerTtl));
        while (reader.Read())
        {
            var worker = JsonSerializer.Deserialize<WorkerInfo>(reader.GetString(0), RenderQueueJson.Compact)!;
            if (LargerGpu.CanTake(worker, job, above)) return worker.Id;
        }
        return null;
    }

    /// <summary>The wait of a job ran out: queued when a larger GPU is online after all, else failed for good.</summary>
    private JobChange EndLargerGpuWait(Commands sql, Job job, DateTimeOffset now) =>
        LargerGpuOnline(sql, job, job.Requirements.VramAboveMb!.Value, now) is { } workerId
            ? JobLifecycle.LargerGpuFound(job, workerId, now)
            : JobLifecycle.LargerGpuWaitExpired(job, now);

    /// <summary>A worker registered or heartbeated: the waiting jobs its GPUs are large enough for go to the queue.</summary>
    private static void ReleaseLargerGpuWaits(WriteContext context, WorkerInfo worker, DateTimeOffset now)
    {
        if (worker.Draining || worker.DrainRequested || worker.Registration.Gpus.Count == 0) return;
        var largest = worker.Registration.Gpus.Max(g => g.VramTotalMb);
        foreach (var seq in Seqs(context.Sql, WaitingBelow, largest, MaxReleasedPerWorkerChange))
        {
            var job = JobTable.LoadBySeq(context.Sql, seq);
            if (LargerGpu.CanTake(worker, job, job.Requirements.VramAboveMb!.Value))
                ChangeRecorder.Apply(context, seq, JobLifecycle.LargerGpuFound(job, worker.Id, now));
        }
    }
}
