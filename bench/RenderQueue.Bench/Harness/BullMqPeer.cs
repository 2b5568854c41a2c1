using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RenderQueue.Processes;

namespace RenderQueue.Bench.Harness;

/// <summary>What the BullMQ peer measured, with the CPU each process spent in the measured run.</summary>
internal sealed record PeerResult(string Version, long Jobs, double Seconds, double NodeCpuSeconds, TimeSpan RedisCpu)
{
    public double JobsPerSecond => Jobs / Seconds;
}

/// <summary>
/// BullMQ (pinned in <c>bench/peers/bullmq/package-lock.json</c>) run by Node against a given redis-server: installed
/// with <c>npm ci</c> on first use, then <c>throughput.mjs</c> adds and processes the jobs and prints what it measured.
/// redis-server's CPU is read when the script says its measured run starts and when it prints the result.
/// </summary>
internal static class BullMqPeer
{
    /// <summary>Jobs per <c>addBulk</c>, as RenderQueue's batch submits carry.</summary>
    public const int BatchSize = 1_000;

    /// <summary>The one worker's concurrency.</summary>
    public const int Concurrency = 50;

    private static readonly Lazy<string> PeerFolder = new(() => Repository.PathOf("bench", "peers", "bullmq"));

    /// <summary><c>bench/peers/bullmq</c> of the repository the bench runs from.</summary>
    public static string Folder => PeerFolder.Value;

    /// <summary>Installs the pinned packages when they are missing; a missing npm or node is said plainly.</summary>
    public static async Task EnsureInstalledAsync(TextWriter output, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(Folder, "node_modules", "bullmq", "package.json"))) return;
        output.WriteLine("  installing the BullMQ peer (npm ci in bench/peers/bullmq)…");
        var (exit, text) = await RunToEndAsync("npm", ["ci", "--no-audit", "--no-fund"], ct);
        if (exit != 0) throw new InvalidOperationException($"npm ci failed in {Folder} (exit {exit}): {text}");
    }

    public static async Task<PeerResult> RunAsync(int redisPort, int redisProcessId, long jobs, long warmUp, CancellationToken ct)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "throughput.mjs", Invariant(redisPort), Invariant(jobs), Invariant(BatchSize), Invariant(Concurrency), Invariant(warmUp) })
            start.ArgumentList.Add(arg);
        using var node = StartOrExplain(start);
        var errors = node.StandardError.ReadToEndAsync(ct);
        var redisCpu0 = TimeSpan.Zero;
        var redisCpu = TimeSpan.Zero;
        string? resultLine = null;
        while (await node.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            // The result is read the moment it is printed: closing the queue and Node's exit are not the run's.
            if (line.Contains("\"phase\":\"measure\"", StringComparison.Ordinal)) redisCpu0 = Machine.CpuTime(redisProcessId);
            else if (line.StartsWith('{'))
            {
                redisCpu = Machine.CpuTime(redisProcessId) - redisCpu0;
                resultLine = line;
            }
        }
        await node.WaitForExitAsync(ct);
        if (node.ExitCode != 0 || resultLine is null)
            throw new InvalidOperationException($"The BullMQ peer failed (exit {node.ExitCode}): {await errors}");
        using var json = JsonDocument.Parse(resultLine);
        var root = json.RootElement;
        return new PeerResult(root.GetProperty("version").GetString()!, jobs, root.GetProperty("seconds").GetDouble(),
            root.GetProperty("node_cpu_s").GetDouble(), redisCpu);
    }

    private static async Task<(int Exit, string Output)> RunToEndAsync(string program, string[] args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = Folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = StartOrExplain(start);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{start.FileName}' is needed for the BullMQ peer (Node.js 20 with npm): {e.Message}. " +
                "Install Node.js, or run the RenderQueue half alone with --peer none.", e);
        }
    }

    private static string Invariant(long n) => n.ToString(CultureInfo.InvariantCulture);
}
