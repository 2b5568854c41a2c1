namespace RenderQueue.Core.Workers;

/// <summary>A GPU as reported by <c>nvidia-smi</c> on a worker machine.</summary>
public sealed record GpuInfo(int Index, string Name, long VramTotalMb, long VramFreeMb, string? Uuid = null);

/// <summary>What a worker tells the server when it starts.</summary>
public sealed record WorkerRegistration
{
    /// <summary>A stable id chosen by the worker (e.g. from its config); the server makes one when absent.</summary>
    public string? Id { get; init; }

    /// <summary>Shown to people; defaults to the host name.</summary>
    public required string Name { get; init; }

    /// <summary>Job types it runs.</summary>
    public required IReadOnlyList<string> Types { get; init; }

    /// <summary>Queues it leases from; empty means every queue.</summary>
    public IReadOnlyList<string> Queues { get; init; } = [];

    /// <summary>Labels matched against <c>requirements.labels</c>.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Models its backends have, matched against <c>requirements.models</c>.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Its GPUs; empty on a machine without <c>nvidia-smi</c>.</summary>
    public IReadOnlyList<GpuInfo> Gpus { get; init; } = [];

    /// <summary>Its backends, each bound to a GPU, with health and warm models; empty for runners without one
    /// (<c>simulated</c>, <c>command</c>).</summary>
    public IReadOnlyList<BackendInfo> Backends { get; init; } = [];

    /// <summary>Jobs it runs at once.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>Host name of the machine.</summary>
    public string? Host { get; init; }

    /// <summary>Worker software version.</summary>
    public string? Version { get; init; }

    /// <summary>Whether this worker leases jobs of <paramref name="type"/> from <paramref name="queue"/>.</summary>
    public bool Serves(string queue, string type) =>
        Types.Contains(type, StringComparer.Ordinal) && (Queues.Count == 0 || Queues.Contains(queue, StringComparer.Ordinal));
}

/// <summary>What a worker reports every heartbeat.</summary>
public sealed record WorkerHeartbeat
{
    /// <summary>Ids of the jobs it is running.</summary>
    public IReadOnlyList<string> CurrentJobs { get; init; } = [];

    /// <summary>Fresh GPU readings (free VRAM changes as jobs run); null keeps the last ones.</summary>
    public IReadOnlyList<GpuInfo>? Gpus { get; init; }

    /// <summary>Fresh model list; null keeps the last one.</summary>
    public IReadOnlyList<string>? Models { get; init; }

    /// <summary>Fresh backend states and warm models; null keeps the last ones.</summary>
    public IReadOnlyList<BackendInfo>? Backends { get; init; }

    /// <summary>True once the worker has stopped leasing (drain).</summary>
    public bool Draining { get; init; }
}
