using RenderQueue.Bench.Harness;
using static RenderQueue.Bench.Harness.BenchReport;

namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// Throughput: N no-op jobs, batch-submitted, processed end to end by K simulated workers through the HTTP API (a
/// lease of up to B jobs, then one batch complete of them, or with <c>--complete each</c> a complete per job). Each size
/// runs on a fresh server after a short warm-up.
/// </summary>
internal static class ThroughputScenario
{
    private const string Queue = "throughput";

    public static async Task RunAsync(BenchOptions options, BenchReport report, TextWriter output, CancellationToken ct)
    {
        var workers = options.Workers ?? 16;
        var leaseBatch = options.LeaseBatch ?? 32;
        report.Parameters["workers"] = workers;
        report.Parameters["lease_batch"] = leaseBatch;
        report.Parameters["complete"] = options.CompleteEach ? "each" : "batch";
        report.Parameters["submit_batch"] = JobFlow.SubmitBatchSize;
        report.Parameters["submits_in_flight"] = JobFlow.SubmitsInFlight;

        FlowResult? last = null;
        foreach (var jobs in options.SizesOr(100_000))
        {
            await using var server = await BenchServer.StartAsync(options.Store);
            using var api = new BenchApi(server.Address);
            await JobFlow.RegisterAsync(api, "bench", workers, ct);

            var warmUp = JobFlow.WarmUpJobs(jobs);
            await JobFlow.RunAsync(api, Queue, "bench", workers, leaseBatch, options.CompleteEach, 0, warmUp, JobFlow.Limit(warmUp), ct);

            var load = LoadNow;
            await server.ResetRedisStatsAsync(ct);
            var (serverCpu0, redisCpu0) = server.CpuTime;
            var benchCpu0 = Environment.CpuUsage.TotalTime;
            var result = await JobFlow.RunAsync(api, Queue, "bench", workers, leaseBatch, options.CompleteEach, warmUp, jobs, JobFlow.Limit(jobs), ct);
            var (serverCpu1, redisCpu1) = server.CpuTime;
            var benchCpu = Environment.CpuUsage.TotalTime - benchCpu0;
            last = result;
            if (options.Store == StoreKind.Redis)
                report.Notes.Add($"{jobs:N0} jobs: " + RedisCommandStat.Summary(await server.RedisCommandStatsAsync(ct), jobs));

            report.AddRow(
                Cell("jobs", jobs),
                Cell("workers", workers),
                Cell("lease_batch", leaseBatch),
                Cell("complete", options.CompleteEach ? "each" : "batch"),
                Cell("seconds", result.Elapsed.TotalSeconds),
                Cell("jobs_per_s", result.JobsPerSecond),
                Cell("submit_jobs_per_s", result.SubmitsPerSecond),
                Cell("refused_completes", result.FailedCompletes),
                Cell("server_cpu_s", (serverCpu1 - serverCpu0).TotalSeconds),
                Cell("redis_cpu_s", options.Store == StoreKind.Redis ? (redisCpu1 - redisCpu0).TotalSeconds : null),
                Cell("bench_cpu_s", benchCpu.TotalSeconds),
                Cell("server_peak_rss_mb", server.PeakRssBytes / 1e6),
                Cell("load_1m", load));
            output.WriteLine($"  {jobs:N0} jobs: {result.JobsPerSecond:N0} jobs/s end to end ({result.Elapsed.TotalSeconds:0.0} s), load {load:0.00}");
        }

        var goal = options.Store == StoreKind.Redis ? 10_000 : 5_000;
        if (last is not null)
            report.Target($"throughput ≥ {goal:N0} jobs/s on {options.StoreName}", $"{last.JobsPerSecond:N0} jobs/s", last.JobsPerSecond >= goal);
        report.Notes.Add("Workers are lean HTTP loops in the bench process (prebuilt bodies, answers read only for ids): the same two cores run the server, the store and the bench.");
    }
}
