using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Api;

/// <summary>
/// A lease request's <c>gpus_free</c> as the store's slots: each entry's GPU from the worker's registration (index,
/// name, total VRAM, uuid) and, when it names a backend (or its GPU runs exactly one), that backend's job type and
/// warm models. Slots of unhealthy backends are dropped: nothing is leased for them.
/// </summary>
internal static class GpuSlots
{
    /// <summary>The slots, or a 400 naming each bad entry.</summary>
    public static List<LeaseSlot> Resolve(LeaseJobsRequest request, WorkerInfo worker)
    {
        var free = request.GpusFree ?? [];
        var registration = worker.Registration;
        var errors = new Dictionary<string, string[]>();
        if (free.Count > request.MaxJobs)
        {
            errors["gpus_free"] = [FormattableString.Invariant(
                $"gpus_free lists {free.Count} free slots but max_jobs is {request.MaxJobs}: send max_jobs equal to the number of free slots.")];
        }
        var slots = new List<LeaseSlot>(free.Count);
        for (var i = 0; i < free.Count; i++)
        {
            var field = FormattableString.Invariant($"gpus_free[{i}]");
            var entry = free[i];
            if (entry.VramFreeMb is < 0) errors[field + ".vram_free_mb"] = ["vram_free_mb cannot be negative."];
            var gpu = registration.Gpus.FirstOrDefault(g => g.Index == entry.Index);
            if (gpu is null)
            {
                var known = registration.Gpus.Count == 0 ? "it registered none" : "it registered " + string.Join(", ", registration.Gpus.Select(g => g.Index));
                errors[field + ".index"] = [FormattableString.Invariant($"GPU {entry.Index} is not one of this worker's GPUs ({known}).")];
                continue;
            }
            var backend = entry.Backend is { } id
                ? registration.Backends.FirstOrDefault(b => string.Equals(b.Id, id, StringComparison.Ordinal))
                : OnlyBackendOn(registration, entry.Index);
            if (entry.Backend is not null && backend is null)
            {
                errors[field + ".backend"] = [$"'{entry.Backend}' is not one of this worker's backends; register or heartbeat it first."];
                continue;
            }
            if (backend is { IsHealthy: false }) continue;
            slots.Add(LeaseSlot.On(worker.Id, new AssignedGpu(gpu.Index, gpu.Name, gpu.VramTotalMb, gpu.Uuid), backend?.Type, backend?.LoadedModels));
        }
        RequestValidationException.ThrowIfAny(errors);
        return slots;
    }

    private static BackendInfo? OnlyBackendOn(WorkerRegistration registration, int gpuIndex)
    {
        var on = registration.Backends.Where(b => b.GpuIndex == gpuIndex).Take(2).ToList();
        return on.Count == 1 ? on[0] : null;
    }
}
