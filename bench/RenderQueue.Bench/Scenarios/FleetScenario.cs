using System.Diagnostics;
using RenderQueue.Bench.Harness;
using static RenderQueue.Bench.Harness.BenchReport;

namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// A GPU fleet: W workers with one GPU each, N jobs of log-normal durations. Three runs of the same jobs, each against
/// the ideal bound max(total work / W, longest job):
/// a load balancer's round-robin push to fixed workers (run for real with the same sleeps, no server), RenderQueue in
/// submit order, and RenderQueue with each job's priority set from an estimate of its duration (longest first).
/// The queue is paused while the jobs are submitted, so every run starts with all jobs in place, as the bound assumes.
/// </summary>
internal static class FleetScenario
{
    public static async Task RunAsync(BenchOptions options, BenchReport report, TextWriter output, CancellationToken ct)
    {
        var workers = options.Workers ?? 32;
        var jobs = (int)Math.Min(100_000, options.SizesOr(2_000)[0]);
        var model = new FleetModel(jobs, workers, options.Seed, options.IdealSeconds ?? 20);
        report.Parameters["workers"] = workers;
        report.Parameters["jobs"] = jobs;
        report.Parameters["seed"] = options.Seed;
        report.Parameters["model"] = $"log-normal, median {FleetModel.MedianSeconds} s, sigma {FleetModel.Sigma}; estimates off by log-normal sigma {FleetModel.EstimateSigma}";
        report.Parameters["time_scale"] = model.Scale;
        report.Parameters["ideal_bound_s"] = model.IdealBound;
        report.Parameters["total_work_s"] = model.TotalWork;
        report.Parameters["longest_job_s"] = model.Longest;
        output.WriteLine($"  ideal bound {model.IdealBound:0.00} s (total work {model.TotalWork:0.0} s / {workers}, longest job {model.Longest:0.00} s)");

        var push = await RoundRobinAsync(model, ct);
        AddRow(report, "round-robin push", model, push, model.RoundRobinMakespan(), LoadNow);
        output.WriteLine($"  round-robin push: {push:0.00} s");

        await using var server = await BenchServer.StartAsync(options.Store);
        using var api = new BenchApi(server.Address);
        await JobFlow.RegisterAsync(api, "gpu", workers, ct);

        var load = LoadNow;
        var fifo = await PullAsync(api, model, "fleet-fifo", prioritised: false, ct);
        AddRow(report, "RenderQueue, submit order", model, fifo, model.PullMakespan(model.SubmitOrder), load);
        output.WriteLine($"  RenderQueue, submit order: {fifo:0.00} s");

        load = LoadNow;
        var longest = await PullAsync(api, model, "fleet-longest", prioritised: true, ct);
        AddRow(report, "RenderQueue, longest estimate first", model, longest, model.PullMakespan(model.LongestEstimateFirst), load);
        output.WriteLine($"  RenderQueue, longest estimate first: {longest:0.00} s");

        report.Target("fleet makespan ≤ 1.02 × ideal, submit order", $"{fifo / model.IdealBound:0.000} ×", fifo <= 1.02 * model.IdealBound);
        report.Target("fleet makespan ≤ 1.02 × ideal, priority from estimates", $"{longest / model.IdealBound:0.000} ×", longest <= 1.02 * model.IdealBound);
        report.Notes.Add("zero_overhead_s is the same order of jobs given to the first free worker with no cost at all: the gap between it and " +
            "makespan_s is what the queue itself cost. Time scaling shrinks jobs ~" + Text.N(1 / model.Scale, "0") +
            "× but not the per-job lease and complete round trips, so their share here is that much larger than on a real fleet.");
    }

    private static void AddRow(BenchReport report, string policy, FleetModel model, double makespan, double zeroOverhead, double load) =>
        report.AddRow(
            Cell("policy", policy),
            Cell("makespan_s", makespan),
            Cell("ideal_s", model.IdealBound),
            Cell("ratio", makespan / model.IdealBound),
            Cell("zero_overhead_s", zeroOverhead),
            Cell("zero_overhead_ratio", zeroOverhead / model.IdealBound),
            Cell("utilisation_pct", 100 * model.TotalWork / (model.Workers * makespan)),
            Cell("load_1m", load));

    /// <summary>Every worker runs the jobs pushed to it (job i to worker i mod W) one after another.</summary>
    private static async Task<double> RoundRobinAsync(FleetModel model, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, model.Workers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < model.Seconds.Length; i += model.Workers) await Task.Delay(TimeSpan.FromSeconds(model.Seconds[i]), ct);
        }, ct)));
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Workers pull one job at a time, "render" it for its duration and complete it.</summary>
    private static async Task<double> PullAsync(BenchApi api, FleetModel model, string queue, bool prioritised, CancellationToken ct)
    {
        var batches = SubmitBodies.Batches(queue, JobFlow.Type, model.Seconds.Length,
            extra: prioritised ? n => FormattableString.Invariant($",\"priority\":{model.PriorityOf((int)n)}") : null);
        var run = await PausedQueueRun.RunAsync(api, queue, batches, model.Seconds.Length, model.Workers,
            w => BenchApi.LeaseBody($"gpu-{w}", maxJobs: 1, waitSeconds: 30),
            (_, job, token) => Task.Delay(TimeSpan.FromSeconds(model.Seconds[job.Number]), token),
            TimeSpan.FromSeconds(model.IdealBound * 3 + 60), ct);
        return run.Makespan;
    }
}
