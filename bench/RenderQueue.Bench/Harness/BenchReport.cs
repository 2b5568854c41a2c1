using System.Globalization;
using System.Text.Json;
using RenderQueue.Processes;

namespace RenderQueue.Bench.Harness;

/// <summary>A goal printed beside the results; never an assertion.</summary>
internal sealed record Target(string Goal, string Measured, bool? Met);

/// <summary>
/// What one run measured: parameters, one row per size, the targets, notes, and the machine with its load average
/// (sampled every few seconds while the run goes on). Printed as a table and written as JSON.
/// </summary>
internal sealed class BenchReport : IAsyncDisposable
{
    private readonly List<double> _loadSamples = [];
    private readonly CancellationTokenSource _stopSampling = new();
    private readonly Task _sampling;

    public BenchReport(string scenario, string store)
    {
        Scenario = scenario;
        Store = store;
        StartedAt = DateTimeOffset.UtcNow;
        LoadBefore = Machine.LoadAverage();
        _sampling = SampleLoadAsync(_stopSampling.Token);
    }

    public string Scenario { get; }
    public string Store { get; }
    public DateTimeOffset StartedAt { get; }
    public double[] LoadBefore { get; }
    public double[] LoadAfter { get; private set; } = [];
    public Dictionary<string, object?> Parameters { get; } = [];
    public List<List<KeyValuePair<string, object?>>> Rows { get; } = [];
    public List<Target> Targets { get; } = [];
    public List<string> Notes { get; } = [];

    /// <summary>The 1-minute load average now, to put beside a figure.</summary>
    public static double LoadNow => Machine.LoadAverage()[0];

    public void AddRow(params KeyValuePair<string, object?>[] cells) => Rows.Add([.. cells]);

    public static KeyValuePair<string, object?> Cell(string name, object? value) => new(name, value);

    public void Target(string goal, string measured, bool? met) => Targets.Add(new Target(goal, measured, met));

    public async Task<string> FinishAsync(string folder, TextWriter output)
    {
        await _stopSampling.CancelAsync();
        await _sampling;
        LoadAfter = Machine.LoadAverage();
        PrintTable(output);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{Scenario}-{Store}-{StartedAt:yyyyMMdd-HHmmss}.json");
        await File.WriteAllBytesAsync(path, ToJson());
        output.WriteLine($"results: {path}");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopSampling.IsCancellationRequested) await _stopSampling.CancelAsync();
        await _sampling;
        _stopSampling.Dispose();
    }

    private void PrintTable(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{Scenario} on {Store} — {Machine.Describe()}");
        output.WriteLine(FormattableString.Invariant($"load average (1 min): {LoadBefore[0]:0.00} before, {LoadRange()} during, {LoadAfter[0]:0.00} after"));
        if (Rows.Count > 0)
        {
            var columns = Rows.SelectMany(r => r.Select(c => c.Key)).Distinct().ToList();
            var cells = Rows.Select(r => columns.Select(c => Format(r.FirstOrDefault(x => x.Key == c).Value)).ToList()).ToList();
            var widths = columns.Select((c, i) => Math.Max(c.Length, cells.Max(r => r[i].Length))).ToList();
            output.WriteLine(string.Join("  ", columns.Select((c, i) => c.PadLeft(widths[i]))));
            foreach (var row in cells) output.WriteLine(string.Join("  ", row.Select((c, i) => c.PadLeft(widths[i]))));
        }
        if (Targets.Count > 0)
        {
            output.WriteLine();
            foreach (var t in Targets)
                output.WriteLine($"  [{(t.Met switch { true => "met", false => "NOT met", null => "n/a" })}] {t.Goal}: {t.Measured}");
        }
        foreach (var note in Notes) output.WriteLine("  note: " + note);
    }

    private string LoadRange()
    {
        lock (_loadSamples)
        {
            return _loadSamples.Count == 0 ? "–" : FormattableString.Invariant($"{_loadSamples.Min():0.00}–{_loadSamples.Max():0.00}");
        }
    }

    private byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("scenario", Scenario);
            json.WriteString("store", Store);
            json.WriteString("started_at", StartedAt);
            json.WriteString("commit", GitCommit());
            json.WriteStartObject("machine");
            json.WriteNumber("cores", Machine.Cores);
            json.WriteNumber("memory_gib", Math.Round(Machine.MemoryTotalBytes / (double)(1L << 30), 1));
            json.WriteString("description", Machine.Describe());
            json.WriteEndObject();
            json.WriteStartObject("load_average_1m");
            json.WriteNumber("before", LoadBefore[0]);
            lock (_loadSamples)
            {
                if (_loadSamples.Count > 0)
                {
                    json.WriteNumber("min_during", _loadSamples.Min());
                    json.WriteNumber("max_during", _loadSamples.Max());
                }
            }
            json.WriteNumber("after", LoadAfter[0]);
            json.WriteEndObject();
            json.WriteStartObject("parameters");
            foreach (var (key, value) in Parameters) Write(json, key, value);
            json.WriteEndObject();
            json.WriteStartArray("rows");
            foreach (var row in Rows)
            {
                json.WriteStartObject();
                foreach (var (key, value) in row) Write(json, key, value);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("targets");
            foreach (var t in Targets)
            {
                json.WriteStartObject();
                json.WriteString("goal", t.Goal);
                json.WriteString("measured", t.Measured);
                if (t.Met is { } met) json.WriteBoolean("met", met);
                else json.WriteNull("met");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("notes");
            foreach (var note in Notes) json.WriteStringValue(note);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void Write(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(key); break;
            case double d when !double.IsFinite(d): json.WriteNull(key); break;
            case double d: json.WriteNumber(key, Math.Round(d, 3)); break;
            case int i: json.WriteNumber(key, i); break;
            case long l: json.WriteNumber(key, l); break;
            case bool b: json.WriteBoolean(key, b); break;
            default: json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "–",
        double d when !double.IsFinite(d) => "–",
        double d when Math.Abs(d) >= 100 => d.ToString("#,0", CultureInfo.InvariantCulture),
        double d when Math.Abs(d) >= 10 => d.ToString("0.0", CultureInfo.InvariantCulture),
        double d => d.ToString("0.00", CultureInfo.InvariantCulture),
        int i => i.ToString("#,0", CultureInfo.InvariantCulture),
        long l => l.ToString("#,0", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private async Task SampleLoadAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var load = Machine.LoadAverage()[0];
                lock (_loadSamples) _loadSamples.Add(load);
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    private static string GitCommit()
    {
        try
        {
            using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null) return "unknown";
            var text = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && text.Length > 0 ? text : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    /// <summary>Where results go by default: <c>bench/results</c> of the repository the command runs in.</summary>
    public static string DefaultFolder() =>
        Repository.TryFindRoot() is { } root ? Path.Combine(root, "bench", "results") : Path.Combine(Directory.GetCurrentDirectory(), "bench-results");
}

/// <summary>Number formats for targets and notes.</summary>
internal static class Text
{
    public static string N(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
