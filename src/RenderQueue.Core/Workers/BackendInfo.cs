namespace RenderQueue.Core.Workers;

/// <summary>Whether a backend can take a job. Numbers are explicit: an enum's values never move once stored.</summary>
public enum BackendState
{
    /// <summary>It answers its health probe and takes jobs.</summary>
    Ready = 0,
    /// <summary>It is starting or loading a model; it will take jobs soon, so the worker is not unhealthy.</summary>
    Loading = 1,
    /// <summary>Its health probe fails; the worker leases nothing for it until it answers again.</summary>
    Unhealthy = 2,
}

/// <summary>
/// One backend a worker drives — a ComfyUI or A1111 instance, a resident model process — bound to one GPU.
/// Reported at registration and with every heartbeat, so the scheduler knows which slots are healthy and which
/// models are warm on which GPU.
/// </summary>
/// <param name="Id">Stable within the worker (e.g. <c>comfyui-0</c>); a free slot in a lease request names it.</param>
/// <param name="Type">The job type it runs.</param>
/// <param name="Url">Where the worker reaches it, for people; null for a process.</param>
/// <param name="GpuIndex">The GPU it runs on (its <c>nvidia-smi</c> index); null when unbound or without GPUs.</param>
/// <param name="State">Whether it takes jobs now.</param>
/// <param name="Reason">Why it is <see cref="BackendState.Unhealthy"/> (or loading), for people.</param>
/// <param name="LoadedModels">Models warm in it now (checkpoints, LoRAs): what warm-model affinity matches.</param>
public sealed record BackendInfo(
    string Id,
    string Type,
    string? Url = null,
    int? GpuIndex = null,
    BackendState State = BackendState.Ready,
    string? Reason = null,
    IReadOnlyList<string>? LoadedModels = null)
{
    /// <summary>Ready or loading: the worker counts as healthy while one of its backends is.</summary>
    public bool IsHealthy => State != BackendState.Unhealthy;
}
