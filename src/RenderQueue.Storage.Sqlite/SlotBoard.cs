using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

/// <summary>A job placed by a lease: on a slot of the request, or on none when the worker named no slots.</summary>
internal readonly record struct Placement(LeaseCandidate Candidate, LeaseSlot? Slot, bool? Warm);

/// <summary>
/// The free slots of one lease (mirrored by lease.lua) and the VRAM of their GPUs: each GPU's total minus what the
/// jobs running on it reserve (read once per GPU, when a job with VRAM needs first looks at it) minus what this lease
/// has placed on it. A request without slots has <see cref="LeaseRequest.MaxJobs"/> slots on no GPU that share the
/// worker's one free-VRAM reading.
/// </summary>
internal sealed class SlotBoard
{
    private readonly LeaseSlot?[] _slots;
    private readonly HashSet<string>?[] _warm;
    private readonly bool[] _taken;
    private readonly long? _poolFreeMb;
    private long _poolPlacedMb;
    private readonly Dictionary<string, long> _used = new(StringComparer.Ordinal);
    private readonly Func<string, long> _reservedOn;

    public SlotBoard(LeaseRequest request, Func<string, long> reservedOn)
    {
        _reservedOn = reservedOn;
        if (request.Slots.Count > 0)
        {
            _slots = [.. request.Slots];
            _warm = [.. request.Slots.Select(s => s.WarmModels.Count == 0 ? null : new HashSet<string>(s.WarmModels.Select(JobAffinity.Fold), StringComparer.Ordinal))];
        }
        else
        {
            _slots = new LeaseSlot?[Math.Max(0, request.MaxJobs)];
            _warm = new HashSet<string>?[_slots.Length];
            _poolFreeMb = request.Capabilities.FreeVramMb;
        }
        _taken = new bool[_slots.Length];
        Free = _slots.Length;
    }

    public int Count => _slots.Length;

    public int Free { get; private set; }

    public bool IsFree(int slot) => !_taken[slot];

    public IReadOnlyCollection<string> WarmModels(int slot) => _warm[slot] ?? (IReadOnlyCollection<string>)[];

    /// <summary>The job type the slot's backend runs; null for any.</summary>
    public string? TypeOf(int slot) => _slots[slot]?.Type;

    public bool IsWarm(LeaseCandidate candidate, int slot) =>
        _warm[slot] is { } warm && candidate.HasModels && candidate.Models.Any(warm.Contains);

    /// <summary>Whether the slot can run the job: its backend's type, and its GPU's size and unreserved VRAM.</summary>
    public bool Fits(LeaseCandidate candidate, int slot)
    {
        var requirements = candidate.Requirements;
        if (_slots[slot] is not { } s)
            return !requirements.NeedsGpu || _poolFreeMb is { } free && requirements.FitsGpu(free, free - _poolPlacedMb);
        if (s.Type is { } type && !string.Equals(type, candidate.Type, StringComparison.Ordinal)) return false;
        if (!requirements.NeedsGpu) return true;
        return s is { Gpu: { } gpu, GpuKey: { } key } && requirements.FitsGpu(gpu.VramTotalMb, gpu.VramTotalMb - Used(key));
    }

    /// <summary>The free slots that fit the job and that affinity lets take it, in the request's order.</summary>
    public List<int> Options(LeaseCandidate candidate, AffinityRule affinity)
    {
        var options = new List<int>(Free);
        bool? held = null;
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (!_taken[slot] && Fits(candidate, slot) && (IsWarm(candidate, slot) || !(held ??= affinity.Holds(candidate)))) options.Add(slot);
        }
        return options;
    }

    /// <summary>Of <paramref name="options"/>: a slot where the job is warm, else for a job needing VRAM the GPU it
    /// leaves least free (big GPUs stay free for big jobs), else the first.</summary>
    public int Best(LeaseCandidate candidate, List<int> options)
    {
        foreach (var slot in options)
        {
            if (IsWarm(candidate, slot)) return slot;
        }
        if (candidate.Requirements.MinVramMb is null) return options[0];
        return options.MinBy(slot => _slots[slot] is { Gpu: { } gpu, GpuKey: { } key } ? gpu.VramTotalMb - Used(key) : long.MaxValue);
    }

    public Placement Take(LeaseCandidate candidate, int slot)
    {
        _taken[slot] = true;
        Free--;
        var need = candidate.Requirements.MinVramMb ?? 0;
        if (_slots[slot] is not { } s)
        {
            _poolPlacedMb += need;
            return new Placement(candidate, null, null);
        }
        if (need > 0 && s.GpuKey is { } key) _used[key] = Used(key) + need;
        return new Placement(candidate, s, IsWarm(candidate, slot));
    }

    private long Used(string key)
    {
        if (!_used.TryGetValue(key, out var used)) _used[key] = used = _reservedOn(key);
        return used;
    }
}
