using RenderQueue.Core.Api;
using RenderQueue.Core.Workers;

namespace RenderQueue.Server.Api;

/// <summary>What a registration and a heartbeat must hold for the registry to be useful.</summary>
internal static class WorkerValidation
{
    private const int MaxItems = 256;

    public static Dictionary<string, string[]> Validate(WorkerRegistration registration)
    {
        var errors = new Dictionary<string, string[]>();
        if (registration.Id is { } id && !SubmitValidation.IsName(id)) errors["id"] = ["A worker id is 1–64 letters, digits or _ . : = -."];
        if (string.IsNullOrWhiteSpace(registration.Name) || registration.Name.Length > 200) errors["name"] = ["name is required (1–200 characters)."];
        if (registration.Types is not { Count: > 0 } types || types.Count > MaxItems || !types.All(SubmitValidation.IsName))
            errors["types"] = ["types lists the job types the worker runs (at least one; names of 1–64 letters, digits or _ . : = -)."];
        if (registration.Queues is null || registration.Queues.Count > MaxItems || !registration.Queues.All(SubmitValidation.IsName))
            errors["queues"] = ["queues are queue names; an empty list means every queue."];
        if (registration.Labels is null || registration.Labels.Count > MaxItems || !registration.Labels.All(SubmitValidation.IsName))
            errors["labels"] = ["labels are names of 1–64 letters, digits or _ . : = -."];
        if (registration.Models is null || registration.Models.Count > 10_000 || registration.Models.Any(m => string.IsNullOrWhiteSpace(m) || m.Length > 256))
            errors["models"] = ["models are names of 1–256 characters."];
        if (registration.Gpus is null || registration.Gpus.Count > 64) errors["gpus"] = ["At most 64 GPUs."];
        if (registration.Concurrency is < 1 or > 1_000) errors["concurrency"] = ["concurrency must be between 1 and 1000."];
        if (registration.Backends is null) errors["backends"] = ["backends lists the worker's backends; an empty list means none."];
        else ValidateBackends(registration.Backends, registration.Gpus, errors);
        return errors;
    }

    public static Dictionary<string, string[]> Validate(WorkerHeartbeat heartbeat)
    {
        var errors = new Dictionary<string, string[]>();
        if (heartbeat.CurrentJobs is null || heartbeat.CurrentJobs.Count > 10_000) errors["current_jobs"] = ["current_jobs lists the ids of the jobs it runs."];
        if (heartbeat.Gpus is { Count: > 64 }) errors["gpus"] = ["At most 64 GPUs."];
        if (heartbeat.Models is { } models && (models.Count > 10_000 || models.Any(m => string.IsNullOrWhiteSpace(m) || m.Length > 256)))
            errors["models"] = ["models are names of 1–256 characters."];
        if (heartbeat.Backends is { } backends) ValidateBackends(backends, heartbeat.Gpus, errors);
        return errors;
    }

    private const int MaxBackends = 64;
    private const int MaxReasonLength = 1_000;

    /// <summary>Backends: at most 64, ids and types are names, ids unique, a GPU index among <paramref name="gpus"/> when
    /// GPUs are listed (a heartbeat without GPUs keeps the registered ones, which are not checked again), a reason of
    /// at most 1,000 characters, and loaded models named like models.</summary>
    private static void ValidateBackends(IReadOnlyList<BackendInfo> backends, IReadOnlyList<GpuInfo>? gpus, Dictionary<string, string[]> errors)
    {
        if (backends.Count > MaxBackends)
        {
            errors["backends"] = [FormattableString.Invariant($"At most {MaxBackends} backends.")];
            return;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < backends.Count; i++)
        {
            var backend = backends[i];
            var at = FormattableString.Invariant($"backends[{i}]");
            if (backend is null)
            {
                errors[at] = ["A backend is an object with at least an id and a type."];
                continue;
            }
            if (!SubmitValidation.IsName(backend.Id)) errors[$"{at}.id"] = ["A backend id is 1–64 letters, digits or _ . : = -."];
            else if (!ids.Add(backend.Id)) errors[$"{at}.id"] = [$"The backend id '{backend.Id}' is listed twice; each backend needs its own."];
            if (!SubmitValidation.IsName(backend.Type)) errors[$"{at}.type"] = ["A backend type is a job type name: 1–64 letters, digits or _ . : = -."];
            if (backend.Url is { Length: > 2_048 }) errors[$"{at}.url"] = ["url is at most 2,048 characters."];
            if (backend.GpuIndex is { } index && (index < 0 || gpus is { Count: > 0 } && !gpus.Any(g => g.Index == index)))
            {
                var listed = gpus is { Count: > 0 } ? string.Join(", ", gpus.Select(g => g.Index.ToString(System.Globalization.CultureInfo.InvariantCulture))) : "none";
                errors[$"{at}.gpu_index"] = [FormattableString.Invariant($"gpu_index {index} is not one of the worker's GPUs (indexes: {listed}).")];
            }
            if (backend.Reason is { Length: > MaxReasonLength }) errors[$"{at}.reason"] = ["reason is at most 1,000 characters."];
            if (backend.LoadedModels is { } loaded && (loaded.Count > 10_000 || loaded.Any(m => string.IsNullOrWhiteSpace(m) || m.Length > 256)))
                errors[$"{at}.loaded_models"] = ["loaded_models are names of 1–256 characters."];
        }
    }
}
