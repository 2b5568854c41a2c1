using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RenderQueue.Faults.Tests.Harness;

/// <summary>
/// The figures a case measured: written to the test output, and to <c>CASE-STORE.json</c> in the figures folder
/// (<c>RENDERQUEUE_FAULTS_FIGURES</c>, default <c>faults-figures</c> beside the test assembly), where
/// <c>figures.md</c> is rewritten each time as one table of every case run so far. docs/reliability.md quotes it.
/// </summary>
internal sealed class Figures(string caseName, StoreKind? store, ITestOutputHelper output)
{
    private static readonly Lock Gate = new();
    private readonly List<Figure> _figures = [];

    public static string Folder { get; } = Environment.GetEnvironmentVariable("RENDERQUEUE_FAULTS_FIGURES") is { Length: > 0 } folder
        ? folder
        : Path.Combine(AppContext.BaseDirectory, "faults-figures");

    /// <summary>Records one figure; <paramref name="bound"/> is what the case asserts it against, if anything.</summary>
    public void Add(string name, double value, string unit = "", string? bound = null)
    {
        _figures.Add(new Figure(name, Math.Round(value, 3), unit, bound));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{caseName}{(store is null ? "" : " " + store)}] {name}: {value:0.###}{(unit.Length > 0 ? " " + unit : "")}{(bound is null ? "" : $" (bound {bound})")}"));
    }

    public void Add(string name, TimeSpan value, string? bound = null) => Add(name, value.TotalMilliseconds, "ms", bound);

    /// <summary>Writes this case's file and the combined table.</summary>
    public void Save()
    {
        lock (Gate)
        {
            Directory.CreateDirectory(Folder);
            var record = new CaseFigures(caseName, store?.ToString().ToLowerInvariant() ?? "-", Scale.Mode, DateTimeOffset.UtcNow, _figures);
            File.WriteAllText(Path.Combine(Folder, $"{caseName}-{record.Store}.json"), JsonSerializer.Serialize(record, Json));
            File.WriteAllText(Path.Combine(Folder, "figures.md"), Table());
        }
        output.WriteLine($"figures written to {Folder}");
    }

    private static string Table()
    {
        var text = new StringBuilder("| case | store | mode | figure | value | bound |\n|---|---|---|---|---|---|\n");
        var records = Directory.GetFiles(Folder, "*.json").Select(f => JsonSerializer.Deserialize<CaseFigures>(File.ReadAllText(f), Json)!)
            .OrderBy(r => int.Parse(r.Case.AsSpan(1), CultureInfo.InvariantCulture)).ThenBy(r => r.Store, StringComparer.Ordinal);
        foreach (var r in records)
        {
            foreach (var f in r.Figures)
                text.Append(CultureInfo.InvariantCulture, $"| {r.Case} | {r.Store} | {r.Mode} | {f.Name} | {f.Value:0.###}{(f.Unit.Length > 0 ? " " + f.Unit : "")} | {f.Bound ?? ""} |\n");
        }
        return text.ToString();
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private sealed record Figure(string Name, double Value, string Unit, string? Bound);

    private sealed record CaseFigures(string Case, string Store, string Mode, DateTimeOffset At, IReadOnlyList<Figure> Figures);
}

/// <summary>Nearest-rank percentiles of measured durations.</summary>
internal static class Percentiles
{
    public static TimeSpan Of(IReadOnlyCollection<TimeSpan> values, double percentile)
    {
        if (values.Count == 0) return TimeSpan.Zero;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
