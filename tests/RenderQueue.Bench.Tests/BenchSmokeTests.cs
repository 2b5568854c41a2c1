using System.Text.Json;
using RenderQueue.Processes;

namespace RenderQueue.Bench.Tests;

/// <summary>
/// Every scenario runs end to end with tiny sizes, so the benchmark cannot rot: it starts the real server (and
/// redis-server), prints its table and targets, and writes its JSON. How fast it ran is not checked here: figures
/// belong in docs/benchmarks.md, measured on a quiet machine.
/// </summary>
public sealed class BenchSmokeTests : IDisposable
{
    private readonly TempDirectory _results = new("renderqueue-bench-smoke");

    [Theory]
    [InlineData("throughput", "sqlite", new[] { "200", "--workers", "4" })]
    [InlineData("throughput", "redis", new[] { "200", "--workers", "4" })]
    [InlineData("pickup", "sqlite", new[] { "20", "--duration", "1", "--workers", "2" })]
    [InlineData("pickup", "redis", new[] { "20", "--duration", "1", "--workers", "2" })]
    [InlineData("scale", "sqlite", new[] { "300", "600", "--samples", "10" })]
    [InlineData("scale", "redis", new[] { "300", "600", "--samples", "10" })]
    [InlineData("fleet", "sqlite", new[] { "64", "--workers", "8", "--ideal-seconds", "1" })]
    public async Task A_tiny_run_prints_its_table_and_writes_its_results(string scenario, string store, string[] sizes)
    {
        var output = new StringWriter();
        string[] args = [scenario, "--store", store, "--out", _results.Path, .. sizes];

        var exit = await BenchApp.RunAsync(args, output, CancellationToken.None);

        var printed = output.ToString();
        Assert.True(exit == 0, $"The bench exited with {exit}:\n{printed}");
        Assert.Contains($"{scenario} on {store} —", printed, StringComparison.Ordinal);
        Assert.Matches(@"\[(met|NOT met|n/a)\] ", printed);

        var file = Assert.Single(Directory.GetFiles(_results.Path, $"{scenario}-{store}-*.json"));
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(file));
        var root = json.RootElement;
        Assert.Equal(scenario, root.GetProperty("scenario").GetString());
        Assert.Equal(store, root.GetProperty("store").GetString());
        Assert.NotEmpty(root.GetProperty("rows").EnumerateArray());
        Assert.NotEmpty(root.GetProperty("targets").EnumerateArray());
    }

    [Fact]
    public async Task A_wrong_command_line_says_why_and_exits_2()
    {
        var output = new StringWriter();

        var exit = await BenchApp.RunAsync(["warp-speed"], output, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("Unknown scenario 'warp-speed'.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage:", output.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _results.Dispose();
}
