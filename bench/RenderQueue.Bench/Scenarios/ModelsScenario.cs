using System.Diagnostics;
using System.Globalization;
using RenderQueue.Bench.Harness;
using RenderQueue.Core.Api;
using RenderQueue.Core.Workers;
using static RenderQueue.Bench.Harness.BenchReport;

namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// Warm-model affinity on a GPU fleet: W workers with one GPU and one ComfyUI backend each, N jobs whose workflows
/// load one of four checkpoints (<see cref="CheckpointWorkload"/>). A worker that leases a job for a checkpoint it
/// has not loaded pays the swap, then reports the checkpoint as loaded by heartbeat, as the worker program does. The
/// same jobs run twice, each on a fresh server: FIFO (<c>Scheduler:AffinityWait</c> 0, affinity off) and affinity
/// (the default wait, time-scaled like the jobs). The models a job wants are only in its workflow's loader node, so
/// they steer placement and never filter it.
/// </summary>
internal static class ModelsScenario
{
    private const string Queue = "models";
    private const string JobType = "comfyui";
    private const string BackendId = "comfyui-0";
    private const long GpuMb = 24_576;

    /// <summary>The server's default heartbeat interval (a third of the 30 s lease); not time-scaled, as the
    /// worker TTL it serves is not.</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>The issue's default, used for the scaled wait when this server has no affinity at all.</summary>
    private static readonly TimeSpan IssueAffinityWait = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(BenchOptions options, BenchReport report, TextWriter output, CancellationToken ct)
    {
        var workers = options.Workers ?? 16;
        var jobs = (int)Math.Min(100_000, options.SizesOr(2_000)[0]);
        var workload = new CheckpointWorkload(jobs, workers, options.Seed, options.IdealSeconds ?? 60);
        var serverWait = ServerFeatures.DefaultAffinityWait;
        var affinityWait = (serverWait ?? IssueAffinityWait) * workload.Scale;
        var (fifoModel, fifoModelLoads) = workload.Fifo();
        report.Parameters["workers"] = workers;
        report.Parameters["jobs"] = jobs;
        report.Parameters["seed"] = options.Seed;
        report.Parameters["model"] = $"{CheckpointWorkload.Checkpoints} checkpoints in equal shares, random order; log-normal render time, " +
            $"median {CheckpointWorkload.MedianSeconds} s, sigma {CheckpointWorkload.Sigma}; swap {CheckpointWorkload.SwapSeconds} s";
        report.Parameters["time_scale"] = workload.Scale;
        report.Parameters["swap_s"] = workload.SwapCost;
        report.Parameters["affinity_wait_s"] = affinityWait.TotalSeconds;
        report.Parameters["work_bound_s"] = workload.WorkBound;
        report.Parameters["minimum_loads"] = workload.MinimumLoads;
        output.WriteLine($"  work bound {workload.WorkBound:0.00} s, swap {workload.SwapCost:0.000} s, AffinityWait {affinityWait.TotalSeconds:0.000} s; " +
            $"FIFO without queue overhead {fifoModel:0.00} s with {fifoModelLoads} loads; minimum loads {workload.MinimumLoads}");
        if (serverWait is null)
            report.Notes.Add("This server has no Scheduler:AffinityWait (warm-model affinity is not built in): the affinity run is a second FIFO run, so its targets are n/a.");

        var limit = TimeSpan.FromSeconds(fifoModel * 3 + 60);
        var fifo = await RunOnceAsync(options.Store, workload, serverWait is null ? null : TimeSpan.Zero, limit, ct);
        AddRow(report, "FIFO (AffinityWait 0)", workload, fifo, fifoModel);
        output.WriteLine($"  FIFO: {fifo.Makespan:0.00} s, {fifo.Loads} loads, p95 wait {fifo.WaitPercentile(0.95):0.00} s");

        var affinity = await RunOnceAsync(options.Store, workload, serverWait is null ? null : affinityWait, limit, ct);
        AddRow(report, FormattableString.Invariant($"affinity (AffinityWait {affinityWait.TotalSeconds:0.000} s)"), workload, affinity, null);
        output.WriteLine($"  affinity: {affinity.Makespan:0.00} s, {affinity.Loads} loads, p95 wait {affinity.WaitPercentile(0.95):0.00} s");

        bool? Met(bool met) => serverWait is null ? null : met;
        report.Target("affinity makespan ≤ 0.7 × FIFO", $"{affinity.Makespan / fifo.Makespan:0.000} ×", Met(affinity.Makespan <= 0.7 * fifo.Makespan));
        report.Target($"affinity swaps ≤ 1.2 × the offline minimum ({workload.MinimumLoads} loads)",
            $"{affinity.Loads} loads, {(double)affinity.Loads / workload.MinimumLoads:0.00} ×", Met(affinity.Loads <= 1.2 * workload.MinimumLoads));
        var over = Enumerable.Range(0, jobs).Select(i => affinity.LeasedAt[i] - fifo.LeasedAt[i] - affinityWait.TotalSeconds).ToList();
        var late = over.Count(x => x > 0);
        report.Target("every job's wait ≤ its FIFO wait + AffinityWait",
            late == 0 ? "all within" : FormattableString.Invariant($"{late} of {jobs} over, the worst by {over.Max():0.000} s"), Met(late == 0));
        report.Notes.Add("Waits are from the queue's resume (every job ready) to the job's lease on the bench's clock; loads count a GPU's first " +
            "load too. fifo_no_overhead_s replays submit order to the first free GPU at no queue cost, swapping when needed.");
    }

    private static void AddRow(BenchReport report, string run, CheckpointWorkload workload, ModelsRun result, double? noOverhead) =>
        report.AddRow(
            Cell("run", run),
            Cell("makespan_s", result.Makespan),
            Cell("work_bound_s", workload.WorkBound),
            Cell("fifo_no_overhead_s", noOverhead),
            Cell("loads", result.Loads),
            Cell("minimum_loads", workload.MinimumLoads),
            Cell("p50_wait_s", result.WaitPercentile(0.50)),
            Cell("p95_wait_s", result.WaitPercentile(0.95)),
            Cell("max_wait_s", result.WaitPercentile(1)),
            Cell("load_1m", LoadNow));

    /// <summary>One run on a fresh server: <paramref name="affinityWait"/> is its <c>Scheduler:AffinityWait</c>, or null to leave it unset.</summary>
    private static async Task<ModelsRun> RunOnceAsync(StoreKind store, CheckpointWorkload workload, TimeSpan? affinityWait, TimeSpan limit, CancellationToken ct)
    {
        var settings = new Dictionary<string, string>();
        if (affinityWait is { } wait) settings["Scheduler:AffinityWait"] = wait.ToString("c", CultureInfo.InvariantCulture);
        await using var server = await BenchServer.StartAsync(store, settings: settings);
        using var api = new BenchApi(server.Address);
        for (var w = 0; w < workload.Workers; w++)
        {
            await api.RegisterAsync(new WorkerRegistration
            {
                Id = WorkerId(w),
                Name = WorkerId(w),
                Types = [JobType],
                Models = CheckpointWorkload.FileNames,
                Gpus = [new GpuInfo(0, "simulated", GpuMb, GpuMb)],
                Backends = [Backend(loaded: null)],
            }, ct);
        }

        var loaded = new int[workload.Workers];
        Array.Fill(loaded, -1);
        var lastHeartbeat = Enumerable.Repeat(Stopwatch.GetTimestamp(), workload.Workers).ToArray();
        var loads = 0;
        // An API-format ComfyUI workflow whose loader node names the checkpoint: the server derives the job's
        // affinity from it (requirements.models would be a hard filter instead).
        var batches = SubmitBodies.Batches(Queue, JobType, workload.Seconds.Length, payloadExtra: n =>
            ",\"workflow\":{\"4\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\""
            + CheckpointWorkload.FileName(workload.Checkpoint[n]) + "\"}}}");
        var run = await PausedQueueRun.RunAsync(api, Queue, batches, workload.Seconds.Length, workload.Workers,
            w => BenchApi.LeaseBody(WorkerId(w), [new FreeGpuSlot(0, GpuMb, BackendId)], waitSeconds: 30),
            async (w, job, token) =>
            {
                var checkpoint = workload.Checkpoint[job.Number];
                var swap = loaded[w] != checkpoint;
                if (swap)
                {
                    Interlocked.Increment(ref loads);
                    await Task.Delay(TimeSpan.FromSeconds(workload.SwapCost), token);
                    loaded[w] = checkpoint;
                }
                // What the worker program does: the new checkpoint is reported as soon as it is loaded, and every
                // heartbeat interval anyway (the fleet's warm models count only online workers).
                if (swap || Stopwatch.GetElapsedTime(lastHeartbeat[w]) >= HeartbeatInterval)
                {
                    var backend = Backend(CheckpointWorkload.FileName(checkpoint));
                    await api.HeartbeatAsync(WorkerId(w), new WorkerHeartbeat { CurrentJobs = [job.Id], Backends = [backend] }, token);
                    lastHeartbeat[w] = Stopwatch.GetTimestamp();
                }
                await Task.Delay(TimeSpan.FromSeconds(workload.Seconds[job.Number]), token);
            },
            limit, ct);
        return new ModelsRun(run.Makespan, run.LeasedAt, loads);
    }

    private static string WorkerId(int w) => FormattableString.Invariant($"gpu-{w}");

    private static BackendInfo Backend(string? loaded) =>
        new(BackendId, JobType, Url: "http://127.0.0.1:8188", GpuIndex: 0, LoadedModels: loaded is null ? [] : [loaded]);

    private sealed record ModelsRun(double Makespan, double[] LeasedAt, int Loads)
    {
        public double WaitPercentile(double quantile) => Latencies.NearestRank(LeasedAt, quantile);
    }
}
