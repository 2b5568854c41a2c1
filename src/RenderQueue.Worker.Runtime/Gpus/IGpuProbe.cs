using RenderQueue.Core.Workers;

namespace RenderQueue.Worker.Runtime.Gpus;

/// <summary>Reads the machine's GPUs; registration and heartbeats use it.</summary>
public interface IGpuProbe
{
    /// <summary>The GPUs now, with free VRAM; empty when there are none or they cannot be read (never throws for that).</summary>
    Task<IReadOnlyList<GpuInfo>> ReadAsync(CancellationToken cancellationToken);
}
