using System.Text.Json;
using System.Text.RegularExpressions;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Api;

/// <summary>Checks a submit and turns it into a <see cref="NewJob"/> with defaults applied.</summary>
public static partial class SubmitValidation
{
    public const string DefaultQueue = "default";
    public const int MaxPriority = 1_000_000;
    public const int MaxAttemptsLimit = 100;
    public const int MaxKeyLength = 200;
    public const int MaxListItems = 64;

    /// <summary>Names of queues, types, labels: letters, digits and <c>_ . : = -</c>, 1–64 characters.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}$")]
    public static partial Regex NamePattern();

    /// <summary>Field errors keyed by snake_case field name; empty when the request is valid.</summary>
    public static Dictionary<string, string[]> Validate(SubmitJobRequest request, string prefix = "")
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[prefix + field] = [message];

        if (string.IsNullOrEmpty(request.Type)) Add("type", "A job type is required (e.g. comfyui, a1111, command, simulated).");
        else if (!IsName(request.Type)) Add("type", NameRule);
        if (request.Payload is not { } payload || payload.ValueKind == JsonValueKind.Null) Add("payload", "A payload is required.");
        if (request.Queue is not null && !IsName(request.Queue)) Add("queue", NameRule);
        if (request.Priority is < -MaxPriority or > MaxPriority) Add("priority", $"Priority must be between {-MaxPriority} and {MaxPriority}.");
        if (request.MaxAttempts is < 1 or > MaxAttemptsLimit) Add("max_attempts", $"max_attempts must be between 1 and {MaxAttemptsLimit}.");
        if (request.Timeout is { } timeout && timeout <= TimeSpan.Zero) Add("timeout", "timeout must be a positive number of seconds.");
        if (request.IdempotencyKey is { } key && (key.Length == 0 || key.Length > MaxKeyLength)) Add("idempotency_key", $"An idempotency key has 1–{MaxKeyLength} characters.");
        if (request.BatchKey is { } batch && (batch.Length == 0 || batch.Length > MaxKeyLength)) Add("batch_key", $"A batch key has 1–{MaxKeyLength} characters.");
        if (request.Webhook is { } hook && !IsHttpUrl(hook)) Add("webhook", "webhook must be an absolute http or https URL.");
        if (request.Metadata is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) }) Add("metadata", "metadata must be a JSON object.");
        if (request.Requirements is { } req)
        {
            if (!AllNames(req.Labels)) Add("requirements.labels", $"Up to {MaxListItems} labels, each: {NameRule}");
            if (req.Models is { } models && (models.Count > MaxListItems || models.Any(m => string.IsNullOrWhiteSpace(m) || m.Length > 256)))
                Add("requirements.models", $"Up to {MaxListItems} model names of 1–256 characters.");
            if (req.MinVramMb is < 0) Add("requirements.min_vram_mb", "min_vram_mb cannot be negative.");
        }
        return errors;
    }

    /// <summary>The job to enqueue; call only after <see cref="Validate"/> found nothing.</summary>
    public static NewJob ToNewJob(SubmitJobRequest request, string id, string? idempotencyKey = null) => new()
    {
        Id = id,
        Queue = request.Queue ?? DefaultQueue,
        Type = request.Type!,
        Payload = request.Payload!.Value,
        Priority = request.Priority ?? 0,
        Requirements = request.Requirements ?? JobRequirements.None,
        Metadata = request.Metadata is { ValueKind: JsonValueKind.Object } m ? m : null,
        IdempotencyKey = request.IdempotencyKey ?? idempotencyKey,
        MaxAttempts = request.MaxAttempts ?? 3,
        Timeout = request.Timeout,
        RunAt = request.RunAt,
        BatchKey = request.BatchKey,
        Webhook = request.Webhook,
    };

    public static bool IsName(string? text) => text is not null && NamePattern().IsMatch(text);

    private const string NameRule = "Use 1–64 letters, digits or _ . : = - (starting with a letter or digit).";

    private static bool AllNames(IReadOnlyList<string>? names) => names is null || names.Count <= MaxListItems && names.All(IsName);

    private static bool IsHttpUrl(string text) =>
        text.Length <= 2048 && Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
