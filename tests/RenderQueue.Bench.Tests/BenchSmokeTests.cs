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
    [InlineData("pickup", "sqlite", new[] { "20", "--duration", "1", "--workers", "2", "--runs", "2" })]
    [InlineData("pickup", "redis", new[] { "20", "--duration", "1", "--workers", "2", "--runs", "2" })]
    [InlineData("scale", "sqlite", new[] { "300", "600", "--samples", "10" })]
    [InlineData("scale", "redis", new[] { "300", "600", "--samples", "10" })]
    [InlineData("fleet", "sqlite", new[] { "64", "--workers", "8", "--ideal-seconds", "1" })]
    public async Task A_tiny_run_prints_its_table_and_writes_its_results(string scenario, string store, string[] sizes)
    {
        using var json = await RunAsync(scenario, store, sizes);
    }

    [Fact]
    public async Task Models_runs_fifo_then_affinity_on_the_same_jobs_and_counts_loads_and_waits()
    {
        using var json = await RunAsync("models", "sqlite", ["32", "--workers", "4", "--ideal-seconds", "1"]);

        var root = json.RootElement;
        var minimum = root.GetProperty("parameters").GetProperty("minimum_loads").GetInt32();
        Assert.Equal(4, minimum); // 4 checkpoints in equal shares over 4 GPUs: one GPU each
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.StartsWith("FIFO", rows[0].GetProperty("run").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("affinity", rows[1].GetProperty("run").GetString(), StringComparison.Ordinal);
        Assert.All(rows, row =>
        {
            Assert.True(row.GetProperty("makespan_s").GetDouble() >= row.GetProperty("work_bound_s").GetDouble());
            Assert.InRange(row.GetProperty("loads").GetInt32(), minimum, 32); // every GPU loads at least once, at most once per job
            Assert.InRange(row.GetProperty("p95_wait_s").GetDouble(), 0, row.GetProperty("makespan_s").GetDouble());
        });
        Assert.Equal(3, root.GetProperty("targets").GetArrayLength());
    }

    [Fact]
    public async Task Fairness_measures_pickup_then_b_beside_a_backlog_then_the_weighted_shares()
    {
        using var json = await RunAsync("fairness", "redis", ["1000", "--workers", "4", "--duration", "1", "--time-scale", "0.05"]);

        var root = json.RootElement;
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal("idle fleet pickup", rows[0].GetProperty("phase").GetString());
        Assert.Equal(0, rows[0].GetProperty("never_leased").GetInt32()); // an idle fleet takes every probe
        Assert.True(rows[0].GetProperty("p95_ms").GetDouble() > 0);
        Assert.Equal("B arrivals beside A's backlog", rows[1].GetProperty("phase").GetString());
        Assert.Equal(20, rows[1].GetProperty("jobs").GetInt32()); // 1 s at 1 job per 0.05 s
        var shares = root.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("goal").GetString()!.StartsWith("lease shares", StringComparison.Ordinal));
        if (rows.Count == 3)
            Assert.True(rows[2].GetProperty("leases_a").GetInt32() + rows[2].GetProperty("leases_b").GetInt32() > 0);
        else
            Assert.Contains("weights unsupported by this server", shares.GetProperty("measured").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Runs the bench; checks it printed its table and targets and wrote its JSON, which it returns.</summary>
    private async Task<JsonDocument> RunAsync(string scenario, string store, string[] sizes)
    {
        var output = new StringWriter();
        string[] args = [scenario, "--store", store, "--out", _results.Path, .. sizes];

        var exit = await BenchApp.RunAsync(args, output, CancellationToken.None);

        var printed = output.ToString();
        Assert.True(exit == 0, $"The bench exited with {exit}:\n{printed}");
        Assert.Contains($"{scenario} on {store} —", printed, StringComparison.Ordinal);
        Assert.Matches(@"\[(met|NOT met|n/a)\] ", printed);

        var file = Assert.Single(Directory.GetFiles(_results.Path, $"{scenario}-{store}-*.json"));
        var json = JsonDocument.Parse(await File.ReadAllBytesAsync(file));
        var root = json.RootElement;
        Assert.Equal(scenario, root.GetProperty("scenario").GetString());
        Assert.Equal(store, root.GetProperty("store").GetString());
        Assert.NotEmpty(root.GetProperty("rows").EnumerateArray());
        Assert.NotEmpty(root.GetProperty("targets").EnumerateArray());
        return json;
    }

    [Fact]
    public async Task Compare_without_the_peer_runs_renderqueue_on_both_stores_both_ways()
    {
        var output = new StringWriter();

        var exit = await BenchApp.RunAsync(["compare", "200", "--peer", "none", "--out", _results.Path], output, CancellationToken.None);

        var printed = output.ToString();
        Assert.True(exit == 0, $"The bench exited with {exit}:\n{printed}");
        Assert.Contains("compare on both —", printed, StringComparison.Ordinal);
        Assert.Contains("no peer run (--peer none)", printed, StringComparison.Ordinal);
        var file = Assert.Single(Directory.GetFiles(_results.Path, "compare-both-*.json"));
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(file));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count); // Redis and SQLite, batch calls and one request per job
        Assert.All(rows, row => Assert.True(row.GetProperty("server_cpu_ms_per_job").GetDouble() > 0));
        Assert.Equal(["redis", "redis", "sqlite", "sqlite"], rows.Select(r => r.GetProperty("store").GetString()));
    }

    [Fact]
    public void The_peer_is_pinned_by_its_lock_file()
    {
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(Harness.BullMqPeer.Folder, "package-lock.json")));
        Assert.Equal("5.81.5", lockFile.RootElement.GetProperty("packages").GetProperty("node_modules/bullmq").GetProperty("version").GetString());
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
