namespace RenderQueue.Worker.Runtime.Backends;

/// <summary>
/// The worker's job slots: <see cref="ConcurrencySlots"/> (<c>Worker:Concurrency</c>) for runners without backends,
/// or <see cref="BackendRegistry"/>, where each healthy, free backend is one slot.
/// </summary>
internal interface ISlotSource
{
    /// <summary>Waits for one free slot, then takes every free one (they are all offered in one lease call); empty
    /// when <paramref name="cancellationToken"/> fires first.</summary>
    Task<IReadOnlyList<Slot>> TakeAsync(CancellationToken cancellationToken);

    /// <summary>Gives back a slot whose job ended, or that no job was leased for.</summary>
    void Return(Slot slot);

    /// <summary>Takes out of <paramref name="slots"/> the one <paramref name="job"/> runs in; null when none fits.</summary>
    Slot? Pick(List<Slot> slots, Core.Jobs.Job job);
}

/// <summary>A taken slot: one job may run in it, on <paramref name="Backend"/> when the worker has backends.</summary>
internal sealed record Slot(BackendSlot? Backend);

/// <summary><c>Worker:Concurrency</c> slots, on no particular backend.</summary>
internal sealed class ConcurrencySlots(int concurrency) : ISlotSource, IDisposable
{
    private readonly SemaphoreSlim _free = new(concurrency, concurrency);
    private static readonly Slot Any = new(Backend: null);

    public async Task<IReadOnlyList<Slot>> TakeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _free.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return [];
        }
        var taken = new List<Slot> { Any };
        while (_free.Wait(0, CancellationToken.None)) taken.Add(Any);
        return taken;
    }

    public void Return(Slot slot) => _free.Release();

    public Slot? Pick(List<Slot> slots, Core.Jobs.Job job)
    {
        if (slots.Count == 0) return null;
        var pick = slots[^1];
        slots.RemoveAt(slots.Count - 1);
        return pick;
    }

    public void Dispose() => _free.Dispose();
}
