using RenderQueue.Bench.Harness;
using RenderQueue.Processes;
using static RenderQueue.Bench.Harness.BenchReport;

namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// RenderQueue against its peer in one sitting: BullMQ (Node, its own client straight to Redis) and RenderQueue on Redis
/// and on SQLite (over HTTP, driven by this process), the same number of no-op jobs each, on one redis-server (AOF
/// <c>everysec</c>, flushed between runs). RenderQueue runs twice per store: with batch calls (batch submits of 1,000,
/// 16 workers leasing up to 32 and completing each lease with one call) and with one request per submit, lease and
/// complete (16 submitters, 16 workers leasing one job at a time). The table gives each run's jobs/s, its ratio to
/// BullMQ's and the CPU each process spent per job, so a change is judged against the peer rather than an old number.
/// </summary>
internal static class CompareScenario
{
    private const string Queue = "compare";
    private const int Workers = 16;
    private const int LeaseBatch = 32;

    /// <summary>One run; <see cref="Single"/> is RenderQueue with one request per job, <see cref="Peer"/> is BullMQ.</summary>
    private sealed record Run(string System, StoreKind Store, bool Peer, bool Single, double JobsPerSecond, double Seconds,
        double? ServerCpuMsPerJob, double? RedisCpuMsPerJob, double DriverCpuMsPerJob)
    {
        public string Calls => Peer ? $"addBulk {BullMqPeer.BatchSize:N0}, concurrency {BullMqPeer.Concurrency}"
            : Single ? "one request per submit, lease, complete"
            : $"batch submit {JobFlow.SubmitBatchSize:N0}, lease {LeaseBatch}, batch complete";

        public string StoreName => Store == StoreKind.Redis ? "redis" : "sqlite";
    }

    public static async Task RunAsync(BenchOptions options, BenchReport report, TextWriter output, CancellationToken ct)
    {
        var jobs = options.SizesOr(50_000)[0];
        var warmUp = JobFlow.WarmUpJobs(jobs);
        report.Parameters["jobs"] = jobs;
        report.Parameters["warm_up_jobs"] = warmUp;
        report.Parameters["workers"] = Workers;
        report.Parameters["lease_batch"] = LeaseBatch;
        report.Parameters["submit_batch"] = JobFlow.SubmitBatchSize;
        report.Parameters["peer"] = options.Peer ? "bullmq" : "none";

        using var redis = RedisServerProcess.Start(appendOnly: true, maxMemoryPolicy: "noeviction");
        var runs = new List<Run>();
        if (options.Peer)
        {
            await BullMqPeer.EnsureInstalledAsync(output, ct);
            await RedisCommands.SendAsync(redis.Port, ct, "FLUSHALL");
            var peer = await BullMqPeer.RunAsync(redis.Port, redis.ProcessId, jobs, warmUp, ct);
            report.Parameters["bullmq_version"] = peer.Version;
            runs.Add(new Run("bullmq " + peer.Version, StoreKind.Redis, Peer: true, Single: false, peer.JobsPerSecond, peer.Seconds,
                null, PerJob(peer.RedisCpu, jobs), peer.NodeCpuSeconds * 1000 / jobs));
            Print(output, runs[^1]);
        }
        foreach (var store in new[] { StoreKind.Redis, StoreKind.Sqlite })
        {
            foreach (var single in new[] { false, true })
            {
                runs.Add(await RunRenderQueueAsync(store, single, jobs, warmUp, redis, ct));
                Print(output, runs[^1]);
            }
        }

        var bullMq = runs.FirstOrDefault(r => r.Peer)?.JobsPerSecond;
        foreach (var run in runs)
        {
            report.AddRow(
                Cell("system", run.System),
                Cell("store", run.StoreName),
                Cell("calls", run.Calls),
                Cell("jobs", jobs),
                Cell("seconds", run.Seconds),
                Cell("jobs_per_s", run.JobsPerSecond),
                Cell("vs_bullmq", bullMq is { } peer ? run.JobsPerSecond / peer : null),
                Cell("server_cpu_ms_per_job", run.ServerCpuMsPerJob),
                Cell("redis_cpu_ms_per_job", run.RedisCpuMsPerJob),
                Cell("driver_cpu_ms_per_job", run.DriverCpuMsPerJob));
        }
        AddTargets(report, runs, bullMq);
        report.Notes.Add("The driver is the process that submits and works the jobs: Node for BullMQ (its client talks to Redis itself), this bench for RenderQueue (over HTTP).");
        report.Notes.Add("BullMQ runs with its defaults: completed jobs are kept, as RenderQueue keeps finished jobs until retention removes them.");
    }

    private static async Task<Run> RunRenderQueueAsync(StoreKind store, bool single, long jobs, long warmUp, RedisServerProcess redis, CancellationToken ct)
    {
        if (store == StoreKind.Redis) await RedisCommands.SendAsync(redis.Port, ct, "FLUSHALL");
        await using var server = await BenchServer.StartAsync(store, sharedRedis: store == StoreKind.Redis ? redis : null);
        using var api = new BenchApi(server.Address);
        await JobFlow.RegisterAsync(api, "compare", Workers, ct);
        var (leaseBatch, submitters) = single ? (1, Workers) : (LeaseBatch, 0);

        await JobFlow.RunAsync(api, Queue, "compare", Workers, leaseBatch, single, 0, warmUp, JobFlow.Limit(warmUp), ct, submitters);
        var (serverCpu0, redisCpu0) = server.CpuTime;
        var driverCpu0 = Environment.CpuUsage.TotalTime;
        var result = await JobFlow.RunAsync(api, Queue, "compare", Workers, leaseBatch, single, warmUp, jobs, JobFlow.Limit(jobs), ct, submitters);
        var (serverCpu1, redisCpu1) = server.CpuTime;
        var driverCpu = Environment.CpuUsage.TotalTime - driverCpu0;

        return new Run("renderqueue", store, Peer: false, single, result.JobsPerSecond, result.Elapsed.TotalSeconds,
            PerJob(serverCpu1 - serverCpu0, jobs), store == StoreKind.Redis ? PerJob(redisCpu1 - redisCpu0, jobs) : null, PerJob(driverCpu, jobs));
    }

    private static void AddTargets(BenchReport report, List<Run> runs, double? bullMq)
    {
        var redisBatch = runs.Single(r => r is { Peer: false, Single: false, Store: StoreKind.Redis });
        report.Target("RenderQueue on Redis ≥ 0.75 × BullMQ's jobs/s, batch calls (stretch 1.0 ×)",
            bullMq is { } peer ? $"{redisBatch.JobsPerSecond / peer:0.00} × ({redisBatch.JobsPerSecond:N0} against {peer:N0} jobs/s)" : "no peer run (--peer none)",
            bullMq is { } p ? redisBatch.JobsPerSecond >= 0.75 * p : null);
        report.Target("redis-server CPU ≤ 0.10 ms per job, RenderQueue batch calls", $"{redisBatch.RedisCpuMsPerJob:0.000} ms", redisBatch.RedisCpuMsPerJob <= 0.10);
        foreach (var run in runs.Where(r => r.Single))
            report.Target($"one request per job ≥ 3,000 jobs/s on {run.StoreName}", $"{run.JobsPerSecond:N0} jobs/s", run.JobsPerSecond >= 3_000);
    }

    private static void Print(TextWriter output, Run run) =>
        output.WriteLine($"  {run.System} on {run.StoreName} ({run.Calls}): {run.JobsPerSecond:N0} jobs/s, load {LoadNow:0.00}");

    private static double PerJob(TimeSpan cpu, long jobs) => cpu.TotalMilliseconds / jobs;
}
