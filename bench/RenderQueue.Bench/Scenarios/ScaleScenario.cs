using System.Diagnostics;
using System.Net;
using RenderQueue.Bench.Harness;
using static RenderQueue.Bench.Harness.BenchReport;

namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// Scale: one server whose store is filled to each checkpoint in turn (1,000 … 10,000,000 queued jobs). At each: the
/// submit rate of that stretch, lease latency (one worker, lease one job then complete it, sequentially), stats and
/// first jobs-list page latency, the server's RSS and the store's size, and the CPU a lease cycle costs the server and
/// redis-server, once the fill's after-effects are over (<see cref="SettleAsync"/>). Filling stops early — and says
/// so — when the machine runs short of memory or disk, or Redis refuses writes at its <c>maxmemory</c>.
/// </summary>
internal static class ScaleScenario
{
    private const string Queue = "scale";
    private const long MinFreeDisk = 5L << 30;

    public static async Task RunAsync(BenchOptions options, BenchReport report, TextWriter output, CancellationToken ct)
    {
        var checkpoints = options.SizesOr(1_000, 100_000, 1_000_000, 10_000_000).Distinct().Order().ToList();
        var leaseSamples = options.Samples ?? 1_000;
        var readSamples = options.Samples is { } s ? Math.Max(20, s / 5) : 200;
        var minFree = (long)(options.MinFreeGib * (1L << 30));
        // Redis gets what the machine has left above the reserve, so a full Redis refuses writes (noeviction) long
        // before the machine runs out: it has no swap, and other people work on it.
        var maxMemory = Math.Max(1L << 30, Machine.MemoryAvailableBytes - minFree - (2L << 30));
        report.Parameters["checkpoints"] = string.Join(' ', checkpoints);
        report.Parameters["lease_samples"] = leaseSamples;
        report.Parameters["read_samples"] = readSamples;
        report.Parameters["min_free_gib"] = options.MinFreeGib;
        if (options.Store == StoreKind.Redis) report.Parameters["redis_maxmemory_gib"] = Math.Round(maxMemory / (double)(1L << 30), 1);

        string[] redisSettings = ["--maxmemory", maxMemory.ToString(System.Globalization.CultureInfo.InvariantCulture), "--auto-aof-rewrite-percentage", "0"];
        await using var server = await BenchServer.StartAsync(options.Store, redisSettings);
        using var api = new BenchApi(server.Address);
        await JobFlow.RegisterAsync(api, "scale", 1, ct);
        var lease = BenchApi.LeaseBody("scale-0", maxJobs: 1, waitSeconds: 0);

        var stored = 0L;
        string? ceiling = null;
        var points = new List<Point>();
        foreach (var checkpoint in checkpoints)
        {
            var (added, fillTime, stop) = await FillAsync(api, server, stored, checkpoint, minFree, ct);
            stored += added;
            ceiling = stop;
            var (settle, unwritten) = await SettleAsync(server, ct);

            var load = LoadNow;
            var leases = new Latencies();
            var (serverCpu0, redisCpu0) = server.CpuTime;
            for (var i = 0; i < Math.Min(leaseSamples, Math.Max(1, stored / 2)); i++)
            {
                var started = Stopwatch.GetTimestamp();
                var jobs = await api.LeaseAsync(lease, ct);
                leases.AddSince(started);
                foreach (var job in jobs) await api.CompleteAsync(job, ct);
            }
            var (serverCpu1, redisCpu1) = server.CpuTime;
            var stats = await TimeAsync(() => api.GetAsync("api/v1/stats", ct), readSamples);
            var list = await TimeAsync(() => api.GetAsync("api/v1/jobs?limit=50", ct), readSamples);
            var point = new Point(stored, added / fillTime.TotalSeconds, leases, stats, list, server.RssBytes,
                server.StoreBytesOnDisk, await server.RedisUsedMemoryAsync(ct), load);
            points.Add(point);
            report.AddRow(
                Cell("jobs", stored),
                Cell("submit_jobs_per_s", point.SubmitRate),
                Cell("lease_p50_ms", leases.Percentile(0.5)),
                Cell("lease_p99_ms", leases.Percentile(0.99)),
                Cell("lease_server_cpu_ms", (serverCpu1 - serverCpu0).TotalMilliseconds / leases.Count),
                Cell("lease_redis_cpu_ms", options.Store == StoreKind.Redis ? (redisCpu1 - redisCpu0).TotalMilliseconds / leases.Count : null),
                Cell("stats_p50_ms", stats.Percentile(0.5)),
                Cell("stats_p99_ms", stats.Percentile(0.99)),
                Cell("list_p50_ms", list.Percentile(0.5)),
                Cell("list_p99_ms", list.Percentile(0.99)),
                Cell("server_rss_mb", point.Rss / 1e6),
                Cell("store_disk_mb", point.DiskBytes / 1e6),
                Cell("redis_used_memory_mb", point.RedisMemory / 1e6),
                Cell("mem_available_gib", Machine.MemoryAvailableBytes / (double)(1L << 30)),
                Cell("settle_s", settle.TotalSeconds),
                Cell("unwritten_mb", unwritten / 1e6),
                Cell("load_1m", load));
            output.WriteLine($"  {stored:N0} jobs: submit {point.SubmitRate:N0}/s, lease p99 {leases.Percentile(0.99):0.00} ms, stats p99 {stats.Percentile(0.99):0.00} ms, RSS {point.Rss / 1e6:N0} MB, load {load:0.00}");
            if (ceiling is not null) break;
        }

        if (ceiling is not null) report.Notes.Add($"Filling stopped at {stored:N0} jobs: {ceiling}");
        if (options.Store == StoreKind.Redis && Machine.MemoryAvailableBytes - minFree > (await server.RedisUsedMemoryAsync(ct) ?? 0) / 4)
        {
            var rewritten = await server.RewriteAofAsync(TimeSpan.FromMinutes(10), ct);
            if (rewritten is { } bytes)
                report.Notes.Add($"AOF after BGREWRITEAOF at the end: {bytes / 1e6:N0} MB (auto-rewrite was off while filling, so the sizes above are the raw log).");
        }
        AddTargets(report, points);
    }

    private sealed record Point(long Jobs, double SubmitRate, Latencies Lease, Latencies Stats, Latencies List, long Rss, long DiskBytes, long? RedisMemory, double Load);

    private static void AddTargets(BenchReport report, List<Point> points)
    {
        if (points.Count < 2)
        {
            report.Target("lease p99 and stats latency flat from 1,000 to 10,000,000 jobs", "needs two checkpoints or more", null);
            return;
        }
        var (first, last) = (points[0], points[^1]);
        var range = $"{first.Jobs:N0} → {last.Jobs:N0} jobs";
        bool Flat(double a, double b) => b <= Math.Max(2 * a, a + 1); // at most double, or within 1 ms
        var lease = (first.Lease.Percentile(0.99), last.Lease.Percentile(0.99));
        var stats = (first.Stats.Percentile(0.99), last.Stats.Percentile(0.99));
        report.Target("lease p99 flat (at most 2× or +1 ms)", $"{lease.Item1:0.00} → {lease.Item2:0.00} ms, {range}", Flat(lease.Item1, lease.Item2));
        report.Target("stats p99 flat (at most 2× or +1 ms)", $"{stats.Item1:0.00} → {stats.Item2:0.00} ms, {range}", Flat(stats.Item1, stats.Item2));
        report.Target("server RSS independent of stored jobs (grows < 100 MB)",
            $"{first.Rss / 1e6:N0} → {last.Rss / 1e6:N0} MB, {range}", last.Rss - first.Rss < 100_000_000);
        if (last.Jobs < 10_000_000)
            report.Notes.Add($"The largest checkpoint reached was {last.Jobs:N0} jobs, not 10,000,000.");
    }

    /// <summary>
    /// Waits, before measuring, until the fill's after-effects are over (at most 10 minutes): the kernel has written
    /// out what the fill left in memory, and the server has stopped working in the background (under a tenth of a
    /// core over a second: its change-feed reader catching up, the SQLite WAL checkpoint). A fill of millions of jobs
    /// in minutes leaves gigabytes of dirty pages, and while the kernel throttles writers to drain them every commit
    /// waits: a backlog no steady workload has. Returns the time waited and what was still unwritten when measuring
    /// started.
    /// </summary>
    private static async Task<(TimeSpan Waited, long Unwritten)> SettleAsync(BenchServer server, CancellationToken ct)
    {
        const long Settled = 64L << 20;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(10))
        {
            var cpu = server.CpuTime.Server;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var busy = server.CpuTime.Server - cpu > TimeSpan.FromMilliseconds(100);
            if (!busy && Machine.UnwrittenBytes <= Settled) break;
        }
        return (watch.Elapsed, Machine.UnwrittenBytes);
    }

    private static async Task<Latencies> TimeAsync(Func<Task> request, int samples)
    {
        var latencies = new Latencies();
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await request();
            latencies.AddSince(started);
        }
        return latencies;
    }

    /// <summary>Submits jobs numbered <paramref name="from"/>… up to <paramref name="to"/>, two batches in flight.</summary>
    private static async Task<(long Added, TimeSpan Elapsed, string? Stop)> FillAsync(
        BenchApi api, BenchServer server, long from, long to, long minFree, CancellationToken ct)
    {
        var next = from;
        var added = 0L;
        string? stop = null;
        var watch = Stopwatch.StartNew();
        var guard = Stopwatch.StartNew();

        async Task SubmitLoopAsync()
        {
            while (stop is null)
            {
                var first = Interlocked.Add(ref next, JobFlow.SubmitBatchSize) - JobFlow.SubmitBatchSize;
                if (first >= to) return;
                var count = (int)Math.Min(JobFlow.SubmitBatchSize, to - first);
                try
                {
                    await api.SubmitBatchAsync(SubmitBodies.Batch(Queue, JobFlow.Type, first, count), ct);
                    Interlocked.Add(ref added, count);
                }
                catch (BenchHttpException e) when (e.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.InsufficientStorage)
                {
                    stop = $"the store refused writes ({(int)e.Status}): {e.Message}";
                    return;
                }
                lock (guard)
                {
                    if (guard.Elapsed < TimeSpan.FromSeconds(1)) continue;
                    guard.Restart();
                    if (Machine.MemoryAvailableBytes < minFree)
                        stop = $"the machine had {Machine.MemoryAvailableBytes / (double)(1L << 30):0.0} GiB of memory available, under the {minFree / (double)(1L << 30):0.0} GiB reserve";
                    else if (Machine.FreeDiskBytes(server.DataFolder) < MinFreeDisk)
                        stop = "less than 5 GiB of disk was left";
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, JobFlow.SubmitsInFlight).Select(_ => SubmitLoopAsync()));
        return (added, watch.Elapsed, stop);
    }
}
