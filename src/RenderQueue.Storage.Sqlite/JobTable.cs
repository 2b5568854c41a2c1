using System.Text.Json;
using Microsoft.Data.Sqlite;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Rows of the <c>jobs</c> table. The job lives in <c>body</c> as JSON (without its payload and trace context, which
/// are written once into their own columns and never rewritten); the other columns are copies that indexes need.
/// </summary>
internal static class JobTable
{
    public const string SelectColumns = "seq, payload, body, trace_parent, trace_state";

    private static readonly JsonElement NoPayload = JsonDocument.Parse("null").RootElement.Clone();

    public static (long Seq, Job Job)? Find(Commands sql, string id)
    {
        using var reader = sql.Query($"SELECT {SelectColumns} FROM jobs WHERE id = $1", id);
        return reader.Read() ? (reader.GetInt64(0), Read(reader)) : null;
    }

    public static (long Seq, Job Job) Load(Commands sql, string id) =>
        Find(sql, id) ?? throw new JobNotFoundException(id);

    public static (long Seq, Job Job)? FindByIdempotencyKey(Commands sql, string key)
    {
        using var reader = sql.Query($"SELECT {SelectColumns} FROM jobs WHERE idempotency_key = $1", key);
        return reader.Read() ? (reader.GetInt64(0), Read(reader)) : null;
    }

    public static Job LoadBySeq(Commands sql, long seq)
    {
        using var reader = sql.Query($"SELECT {SelectColumns} FROM jobs WHERE seq = $1", seq);
        if (!reader.Read()) throw new InvalidOperationException($"Job row {seq} vanished inside its transaction.");
        return Read(reader);
    }

    /// <summary>Reads a row selected with <see cref="SelectColumns"/>.</summary>
    public static Job Read(SqliteDataReader reader)
    {
        var job = JsonSerializer.Deserialize<Job>(reader.GetString(2), RenderQueueJson.Compact)!;
        using var payload = JsonDocument.Parse(reader.GetString(1));
        return job with
        {
            Payload = payload.RootElement.Clone(),
            TraceParent = reader.IsDBNull(3) ? null : reader.GetString(3),
            TraceState = reader.IsDBNull(4) ? null : reader.GetString(4),
        };
    }

    public static long Insert(Commands sql, Job job) => (long)sql.Scalar(
        """
        INSERT INTO jobs (id, queue, type, state, priority, run_at, queued_at, lease_expires_at, deadline, finished_at,
                          batch_key, idempotency_key, requirements, payload, body, trace_parent, trace_state, affinity,
                          gpu, reserved_vram_mb)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
        RETURNING seq
        """,
        job.Id, job.Queue, job.Type, (int)job.State, job.Priority, UnixTime.Ms(job.RunAt), UnixTime.Ms(job.QueuedAt),
        UnixTime.Ms(job.LeaseExpiresAt), Deadline(job), UnixTime.Ms(job.FinishedAt), job.BatchKey, job.IdempotencyKey,
        job.Requirements.IsEmpty ? null : JsonSerializer.Serialize(job.Requirements, RenderQueueJson.Compact),
        job.Payload.GetRawText(), Body(job), job.TraceParent, job.TraceState, Affinity(job), Gpu(job), Reserved(job))!;

    // offered_at (when a cold slot was first offered the job for affinity) lives only while the job stays queued:
    // every way into or out of queued clears it, so each stint in queued starts its affinity hold afresh.
    private static readonly string UpdateRow =
        $"""
        UPDATE jobs SET state = $2, priority = $3, run_at = $4, queued_at = $5, lease_expires_at = $6, deadline = $7,
                        finished_at = $8, body = $9, gpu = $10, reserved_vram_mb = $11, gpu_wait_mb = $12,
                        offered_at = CASE WHEN {StateSql.IsQueued} AND $2 = {(int)JobState.Queued} THEN offered_at END
        WHERE seq = $1
        """;

    public static void Update(Commands sql, long seq, Job job) => sql.Execute(
        UpdateRow,
        seq, (int)job.State, job.Priority, UnixTime.Ms(job.RunAt), UnixTime.Ms(job.QueuedAt), UnixTime.Ms(job.LeaseExpiresAt),
        Deadline(job), UnixTime.Ms(job.FinishedAt), Body(job), Gpu(job), Reserved(job), LargerGpu.WaitingAbove(job));

    /// <summary>The job's affinity models as the <c>affinity</c> column keeps them: a JSON array, or null for none.</summary>
    private static string? Affinity(Job job) =>
        JobAffinity.ModelsOf(job.Type, job.Payload, job.Requirements) is { Count: > 0 } models ? JsonSerializer.Serialize(models) : null;

    /// <summary>The GPU a running attempt is placed on (see <see cref="Core.Storage.LeaseSlot.KeyOf"/>); null otherwise.</summary>
    private static string? Gpu(Job job) =>
        job is { State: JobState.Running, AssignedGpu: { } gpu, WorkerId: { } worker } ? Core.Storage.LeaseSlot.KeyOf(worker, gpu) : null;

    private static long? Reserved(Job job) => Gpu(job) is null ? null : job.Requirements.MinVramMb;

    /// <summary>Rewrites the requirements the lease matches (an oom retry raises them); other changes leave them.</summary>
    public static void UpdateRequirements(Commands sql, long seq, JobRequirements requirements) => sql.Execute(
        "UPDATE jobs SET requirements = $2 WHERE seq = $1",
        seq, requirements.IsEmpty ? null : JsonSerializer.Serialize(requirements, RenderQueueJson.Compact));

    private static long? Deadline(Job job) =>
        job.State == JobState.Running && job.Timeout is { } timeout && job.StartedAt is { } started ? UnixTime.Ms(started + timeout) : null;

    private static string Body(Job job) =>
        JsonSerializer.Serialize(job with { Payload = NoPayload, TraceParent = null, TraceState = null, Position = null, Eta = null }, RenderQueueJson.Compact);
}
