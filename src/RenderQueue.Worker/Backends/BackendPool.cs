using System.Threading.Channels;

namespace RenderQueue.Worker.Backends;

/// <summary>
/// Hands out backends (ComfyUI or A1111 instances) one job at a time: a job waits only when every backend of its
/// type is busy. One job per backend keeps progress, interrupts and VRAM per job unambiguous.
/// </summary>
internal sealed class BackendPool<T>
{
    private readonly Channel<T> _free;

    public BackendPool(IReadOnlyList<T> backends)
    {
        Backends = backends;
        _free = Channel.CreateBounded<T>(Math.Max(1, backends.Count));
        foreach (var backend in backends) _free.Writer.TryWrite(backend);
    }

    public IReadOnlyList<T> Backends { get; }

    /// <summary>Waits for a free backend; dispose the lease to give it back.</summary>
    public async Task<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        if (Backends.Count == 0) throw new InvalidOperationException("No backend is configured.");
        var backend = await _free.Reader.ReadAsync(cancellationToken);
        return new Lease(this, backend);
    }

    public readonly struct Lease(BackendPool<T> pool, T backend) : IDisposable
    {
        public T Backend { get; } = backend;

        public void Dispose() => pool._free.Writer.TryWrite(Backend);
    }
}
