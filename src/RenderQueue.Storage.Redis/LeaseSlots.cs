using System.Text.Json;
using RenderQueue.Core.Json;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Redis;

/// <summary>A lease request's slots as lease.lua reads them: the GPU as the job hash keeps it (its JSON), the GPU's key
/// and total, the backend's type and its warm models, folded. Absent fields are left out (cjson reads a JSON null as a
/// value, not as nothing).</summary>
internal static class LeaseSlots
{
    public static string Json(IReadOnlyList<LeaseSlot> slots) =>
        JsonSerializer.Serialize(slots.Select(slot =>
        {
            var fields = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["warm"] = slot.WarmModels.Select(JobHash.Fold).ToArray(),
            };
            if (slot.Gpu is { } gpu)
            {
                fields["gpu"] = JsonSerializer.Serialize(gpu, RenderQueueJson.Compact);
                fields["total"] = gpu.VramTotalMb;
            }
            if (slot.GpuKey is { } key) fields["key"] = key;
            if (slot.Type is { } type) fields["type"] = type;
            return fields;
        }));
}
