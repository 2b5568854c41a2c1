using System.Globalization;
using RenderQueue.Core.Workers;

namespace RenderQueue.Worker.Runtime.Gpus;

/// <summary>
/// Parses the output of <c>nvidia-smi --query-gpu=index,name,memory.total,memory.free,uuid --format=csv,noheader,nounits</c>:
/// one line per GPU such as <c>0, NVIDIA GeForce RTX 4090, 24564, 23012, GPU-5c1e…</c>. The name may itself
/// contain commas, so the fields are taken from both ends. Lines that do not parse are skipped; a value shown as
/// <c>[N/A]</c> or <c>[Not Supported]</c> reads as 0 MiB.
/// </summary>
public static class NvidiaSmiParser
{
    public const string QueryArguments = "--query-gpu=index,name,memory.total,memory.free,uuid";
    public const string FormatArguments = "--format=csv,noheader,nounits";

    public static IReadOnlyList<GpuInfo> Parse(string output)
    {
        var gpus = new List<GpuInfo>();
        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length < 5) continue;
            if (!int.TryParse(fields[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index)) continue;
            var uuid = fields[^1].Trim();
            var free = Megabytes(fields[^2]);
            var total = Megabytes(fields[^3]);
            var name = string.Join(',', fields[1..^3]).Trim();
            if (name.Length == 0) continue;
            gpus.Add(new GpuInfo(index, name, total, Math.Min(free, total == 0 ? free : total), IsMissing(uuid) ? null : uuid));
        }
        return gpus;
    }

    private static long Megabytes(string field)
    {
        var text = field.Trim();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? (long)value
            : 0;
    }

    private static bool IsMissing(string text) => text.Length == 0 || text.StartsWith('[');
}
