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
        return errors;
    }

    public static Dictionary<string, string[]> Validate(WorkerHeartbeat heartbeat)
    {
        var errors = new Dictionary<string, string[]>();
        if (heartbeat.CurrentJobs is null || heartbeat.CurrentJobs.Count > 10_000) errors["current_jobs"] = ["current_jobs lists the ids of the jobs it runs."];
        if (heartbeat.Gpus is { Count: > 64 }) errors["gpus"] = ["At most 64 GPUs."];
        if (heartbeat.Models is { } models && (models.Count > 10_000 || models.Any(m => string.IsNullOrWhiteSpace(m) || m.Length > 256)))
            errors["models"] = ["models are names of 1–256 characters."];
        return errors;
    }
}
