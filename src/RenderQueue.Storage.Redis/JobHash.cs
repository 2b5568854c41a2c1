using System.Globalization;
using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// A job as a Redis hash. Scalars are fields the scripts read and change (times as Unix milliseconds,
/// the state as its wire name); JSON written by clients (payload, metadata, result, error, requirements,
/// artifacts) is kept verbatim and never decoded by Lua, so it round-trips byte for byte.
/// Attempt k lives in the fields <c>a{k}:w</c>, <c>a{k}:s</c>, <c>a{k}:e</c>, <c>a{k}:o</c>, <c>a{k}:err</c>,
/// <c>a{k}:gpu</c> (its <see cref="AssignedGpu"/> JSON), <c>a{k}:warm</c>; the running attempt's GPU in <c>gpu</c> (and
/// <c>gpu_key</c>); the affinity models, folded, in <c>aff</c>, and when a cold slot was first offered the queued job
/// in <c>offered_at</c> (lease.lua); a larger-GPU wait is <c>wait</c> (the reason) with
/// <c>req_vram_above</c> (what the lease matches, beside <c>req</c>);
/// artifact <c>name</c> in <c>art:{name}</c> as <c>{ordinal}|{json}</c>.
/// </summary>
internal static class JobHash
{
    /// <summary>Values per job of the enqueue script, in its field order.</summary>
    public const int EnqueueFieldCount = 20;

    public static Job Read(RedisResult flat)
    {
        var f = new RedisFields(flat);
        var attempt = f.Int("attempt");
        return new Job
        {
            Id = f["id"],
            Queue = f["queue"],
            Type = f["type"],
            Payload = Json(f["payload"]),
            Priority = f.Int("priority"),
            Requirements = f.Text("req") is { } req ? Deserialize<JobRequirements>(req) : JobRequirements.None,
            Metadata = f.Text("metadata") is { } metadata ? Json(metadata) : null,
            IdempotencyKey = f.Text("idem"),
            MaxAttempts = f.Int("max_attempts"),
            AttemptLimit = f.Int("attempt_limit"),
            Timeout = f.OptionalLong("timeout") is { } timeout ? TimeSpan.FromMilliseconds(timeout) : null,
            RunAt = f.OptionalTime("run_at"),
            BatchKey = f.Text("batch"),
            Webhook = f.Text("webhook"),
            TraceParent = f.Text("traceparent"),
            TraceState = f.Text("tracestate"),
            State = JobStates.ParseStored(f["state"]),
            Attempt = attempt,
            Progress = f.Text("p_max") is null ? null : new JobProgress(f.Double("p_value"), f.Double("p_max"), f.Text("p_msg")),
            Result = f.Text("result") is { } result ? Json(result) : null,
            Artifacts = Artifacts(f),
            Error = f.Text("error") is { } error ? Deserialize<JobError>(error) : null,
            Releases = f.OptionalLong("releases") is { } releases ? (int)releases : 0,
            Attempts = Attempts(f, attempt),
            WorkerId = f.Text("worker"),
            AssignedGpu = f.Text("gpu") is { } gpu ? Deserialize<AssignedGpu>(gpu) : null,
            WaitReason = f.Text("wait"),
            LeaseExpiresAt = f.OptionalTime("lease"),
            CancelRequested = f.Flag("cancel"),
            FlagReason = f.Text("flag"),
            CreatedAt = f.Time("created"),
            UpdatedAt = f.Time("updated"),
            QueuedAt = f.OptionalTime("queued_at"),
            StartedAt = f.OptionalTime("started"),
            FinishedAt = f.OptionalTime("finished"),
            CollectedAt = f.OptionalTime("collected"),
        };
    }

    /// <summary>
    /// <paramref name="job"/> as the hash keeps it: times and durations at whole milliseconds, a JSON null as no
    /// metadata. Both the enqueue script's arguments and the job built instead of read back come from this.
    /// </summary>
    public static NewJob AsStored(NewJob job) => job with
    {
        Metadata = job.Metadata is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } ? job.Metadata : null,
        Timeout = job.Timeout is { } timeout ? TimeSpan.FromMilliseconds((long)timeout.TotalMilliseconds) : null,
        RunAt = job.RunAt is { } runAt ? DateTimeOffset.FromUnixTimeMilliseconds(runAt.ToUnixTimeMilliseconds()) : null,
    };

    /// <summary>
    /// The job the enqueue script stored for <paramref name="stored"/> (see <see cref="AsStored"/>) at
    /// <paramref name="now"/> (Unix ms): exactly what <see cref="Read"/> would return.
    /// </summary>
    public static Job Submitted(NewJob stored, long now) => JobLifecycle.Submit(stored, DateTimeOffset.FromUnixTimeMilliseconds(now)).Job;

    /// <summary>The enqueue script's values for one job as stored (see <see cref="AsStored"/>); '' stands for absent.</summary>
    public static void AddEnqueueArguments(List<RedisValue> arguments, NewJob job)
    {
        var requirements = job.Requirements;
        arguments.Add(job.Id);
        arguments.Add(job.Queue);
        arguments.Add(job.Type);
        arguments.Add(job.Priority);
        arguments.Add(job.IdempotencyKey ?? "");
        arguments.Add(job.MaxAttempts);
        arguments.Add(job.Timeout is { } timeout ? (long)timeout.TotalMilliseconds : "");
        arguments.Add(job.RunAt is { } runAt ? runAt.ToUnixTimeMilliseconds() : "");
        arguments.Add(job.BatchKey ?? "");
        arguments.Add(job.Webhook ?? "");
        arguments.Add(job.Payload.GetRawText());
        arguments.Add(job.Metadata is { } metadata ? metadata.GetRawText() : "");
        arguments.Add(requirements.IsEmpty ? "" : JsonSerializer.Serialize(requirements, RenderQueueJson.Compact));
        arguments.Add(requirements.Labels is { Count: > 0 } labels ? JsonSerializer.Serialize(labels) : "");
        arguments.Add(requirements.Models is { Count: > 0 } models ? JsonSerializer.Serialize(models.Select(Fold)) : "");
        arguments.Add(requirements.MinVramMb is { } vram ? vram : "");
        arguments.Add(job.TraceParent ?? "");
        arguments.Add(job.TraceState ?? "");
        arguments.Add(requirements.VramAboveMb is { } above ? above : "");
        arguments.Add(JobAffinity.ModelsOf(job.Type, job.Payload, requirements) is { Count: > 0 } affinity ? JsonSerializer.Serialize(affinity) : "");
    }

    /// <summary>
    /// Model names compare case-insensitively (<see cref="WorkerCapabilities.HasModel"/>); both sides are folded
    /// here the way OrdinalIgnoreCase compares, so Lua compares bytes.
    /// </summary>
    public static string Fold(string model) => model.ToUpperInvariant();

    /// <summary>A double as the scripts store it: round-trippable, culture-free.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>JSON text of a value, or '' for none (a JSON null is no value, as in the SQLite store).</summary>
    public static string JsonOrEmpty(JsonElement? value) =>
        value is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } element ? element.GetRawText() : "";

    private static List<ArtifactInfo> Artifacts(RedisFields f) =>
    [
        .. f.All.Where(field => field.Key.StartsWith("art:", StringComparison.Ordinal))
            .Select(field =>
            {
                var bar = field.Value.IndexOf('|', StringComparison.Ordinal);
                return (Ordinal: long.Parse(field.Value.AsSpan(0, bar), CultureInfo.InvariantCulture), Json: field.Value[(bar + 1)..]);
            })
            .OrderBy(a => a.Ordinal)
            .Select(a => Deserialize<ArtifactInfo>(a.Json)),
    ];

    private static List<JobAttempt> Attempts(RedisFields f, int attempt)
    {
        var attempts = new List<JobAttempt>(attempt);
        for (var k = 1; k <= attempt; k++)
        {
            if (f.Text($"a{k}:w") is not { } worker) continue;
            attempts.Add(new JobAttempt(
                k,
                worker,
                f.Time($"a{k}:s"),
                f.OptionalTime($"a{k}:e"),
                f.Text($"a{k}:o"),
                f.Text($"a{k}:err") is { } error ? Deserialize<JobError>(error) : null,
                f.Text($"a{k}:gpu") is { } gpu ? Deserialize<AssignedGpu>(gpu) : null,
                f.Text($"a{k}:warm") is { } warm ? warm == "1" : null));
        }
        return attempts;
    }

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, RenderQueueJson.Options)!;
}
