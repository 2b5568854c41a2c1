using System.Collections.Concurrent;
using System.Diagnostics;
using RenderQueue.Bench.Harness;
using static RenderQueue.Bench.Harness.BenchReport;

namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// Fair share between queues, on one server with W workers serving both queues, jobs taking 2 s on average (log-normal,
/// σ 0.5, seeded, time-scaled; fixed durations would keep the workers finishing in lockstep, so a B job would wait for
/// the next wave of free workers rather than the next free one):
/// first the pickup latency of the idle fleet (single submits to queue B at B's rate, completed at once); then queue A
/// gets a backlog of N ready jobs and queue B one job a second, and B's wait (submit sent to lease received) is compared
/// with 2 × (mean job duration ÷ workers) + that pickup p95; then, where the server has per-queue weights, A weighs 3 and B 1,
/// B gets a backlog too, and the leases each queue got while both held ready jobs are counted.
/// </summary>
internal static class FairnessScenario
{
    private const string QueueA = "fair-a";
    private const string QueueB = "fair-b";
    private const double JobSeconds = 2;
    private const double JobSigma = 0.5;
    private const double ArrivalsPerSecond = 1;
    private const int WeightA = 3;

    // A job's number says which stream it belongs to; A's backlog is numbered from 0.
    private const long Arrivals = 10_000_000;
    private const long PickupProbes = 20_000_000;
    private const long BacklogB = 30_000_000;

    public static async Task RunAsync(BenchOptions options, BenchReport report, TextWriter output, CancellationToken ct)
    {
        var workers = options.Workers ?? 8;
        var backlogA = (int)Math.Min(Arrivals, options.SizesOr(50_000)[0]);
        var scale = options.TimeScale ?? 0.1;
        var phase = options.Duration ?? TimeSpan.FromSeconds(30);
        var job = TimeSpan.FromSeconds(JobSeconds * scale);
        var rate = ArrivalsPerSecond / scale;
        report.Parameters["workers"] = workers;
        report.Parameters["backlog_a"] = backlogA;
        report.Parameters["model"] = $"jobs log-normal with mean {JobSeconds} s (sigma {JobSigma}), B receives {ArrivalsPerSecond} job/s, workers serve both queues";
        report.Parameters["time_scale"] = scale;
        report.Parameters["job_s"] = job.TotalSeconds;
        report.Parameters["b_rate_per_s"] = rate;
        report.Parameters["phase_s"] = phase.TotalSeconds;

        await using var server = await BenchServer.StartAsync(options.Store);
        using var api = new BenchApi(server.Address);
        await JobFlow.RegisterAsync(api, "fair", workers, ct);
        var leased = new ConcurrentDictionary<long, long>(); // job number → Stopwatch timestamp of its (first) lease
        var median = job.TotalSeconds / Math.Exp(JobSigma * JobSigma / 2); // so the mean is the job's duration
        var durations = Enumerable.Range(0, workers).Select(w => new Random(options.Seed + w)).ToArray(); // one per worker loop
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = SimulatedWorkers.Start(api, workers, w => BenchApi.LeaseBody($"fair-{w}", maxJobs: 1, waitSeconds: 30),
            (w, leasedJob, at, token) =>
            {
                leased.TryAdd(leasedJob.Number, at);
                return leasedJob.Number is >= PickupProbes and < BacklogB ? Task.CompletedTask
                    : Task.Delay(TimeSpan.FromSeconds(LogNormal.Sample(durations[w], median, JobSigma)), token);
            },
            _ => { }, stop.Token);
        await Task.Delay(500, ct); // every worker parked

        // The idle fleet's pickup, its first second not counted (a fresh server's JIT).
        var probes = (int)Math.Ceiling(rate * Math.Max(3, phase.TotalSeconds / 3));
        var pickup = await ArrivalsAsync(api, leased, PickupProbes, probes, rate, TimeSpan.FromSeconds(10), ct);
        var pickupMs = pickup.Waits.Skip((int)Math.Ceiling(rate)).Select(s => s * 1000).ToArray();
        var pickupP95 = Latencies.NearestRank(pickupMs, 0.95);
        AddRow(report, "idle fleet pickup", pickupMs, pickup.Unserved, null, null);
        output.WriteLine($"  idle fleet pickup p95 {pickupP95:0.00} ms");

        // B's arrivals beside A's backlog.
        await api.SetPausedAsync(QueueA, paused: true, ct);
        foreach (var batch in SubmitBodies.Batches(QueueA, JobFlow.Type, backlogA)) await api.SubmitBatchAsync(batch, ct);
        await api.SetPausedAsync(QueueA, paused: false, ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // every worker busy with A
        var boundMs = 2 * job.TotalMilliseconds / workers + pickupP95;
        var grace = TimeSpan.FromSeconds(Math.Max(5, 20 * boundMs / 1000));
        var arrivals = await ArrivalsAsync(api, leased, Arrivals, (int)Math.Ceiling(rate * phase.TotalSeconds), rate, grace, ct);
        var waitsMs = arrivals.Waits.Select(s => s * 1000).ToArray();
        var p95 = Latencies.NearestRank(waitsMs, 0.95);
        AddRow(report, "B arrivals beside A's backlog", waitsMs, arrivals.Unserved, null, null);
        output.WriteLine($"  B's wait beside A's backlog: p95 {p95:0.0} ms against {boundMs:0.0} ms, {arrivals.Unserved} never leased");
        report.Target(FormattableString.Invariant($"B's p95 wait ≤ 2 × mean job / workers + pickup p95 = {boundMs:0.0} ms"),
            arrivals.Unserved == 0
                ? FormattableString.Invariant($"{p95:0.0} ms")
                : FormattableString.Invariant($"{arrivals.Unserved} of {waitsMs.Length} B jobs not leased within {grace.TotalSeconds:0} s after the last arrival; p95 ≥ {p95:0} ms"),
            arrivals.Unserved == 0 && p95 <= boundMs);

        await WeightedSharesAsync(api, report, output, leased, workers, job, phase, ct);
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        report.Notes.Add("Waits and pickups run from the submit sent to the lease answer received, on the bench's clock. A B job not leased " +
            "by the end of its phase counts with the time it had waited, so a p95 with such jobs is a lower bound.");
    }

    /// <summary>With weights A 3 : B 1 and both queues holding ready jobs, the leases each got over a phase.</summary>
    private static async Task WeightedSharesAsync(
        BenchApi api, BenchReport report, TextWriter output, ConcurrentDictionary<long, long> leased, int workers, TimeSpan job, TimeSpan phase,
        CancellationToken ct)
    {
        const string goal = "lease shares A : B within 5 % of 3 : 1 while both hold ready jobs";
        if (!await api.TryPatchQueueAsync(QueueA, $$"""{"weight":{{WeightA}}}""", ct) || !await api.TryPatchQueueAsync(QueueB, """{"weight":1}""", ct))
        {
            report.Target(goal, "weights unsupported by this server (PATCH /api/v1/queues/{name} answered 404 or 405)", null);
            output.WriteLine("  weights unsupported by this server");
            return;
        }
        // Twice what B can take in the phase at its share, so it never runs dry.
        var backlogB = (int)Math.Ceiling(phase / job * workers / (WeightA + 1) * 2) + 100;
        foreach (var batch in SubmitBodies.Batches(QueueB, JobFlow.Type, backlogB, first: BacklogB)) await api.SubmitBatchAsync(batch, ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // the weights and B's backlog in effect on every worker
        var from = Stopwatch.GetTimestamp();
        await Task.Delay(phase, ct);
        var to = Stopwatch.GetTimestamp();
        var ready = await api.ReadyJobsAsync(ct);
        var window = leased.Where(x => x.Value >= from && x.Value < to).Select(x => x.Key).ToList();
        var a = window.Count(n => n < Arrivals);
        var b = window.Count - a;
        var ratio = b == 0 ? double.PositiveInfinity : (double)a / b;
        var bothReady = ready.GetValueOrDefault(QueueA) > 0 && ready.GetValueOrDefault(QueueB) > 0;
        report.AddRow(
            Cell("phase", FormattableString.Invariant($"weights {WeightA}:1, both ready")),
            Cell("leases_a", a),
            Cell("leases_b", b),
            Cell("ratio_a_b", ratio),
            Cell("load_1m", LoadNow));
        output.WriteLine($"  weights {WeightA}:1: A {a} leases, B {b}, ratio {ratio:0.00}");
        report.Target(goal,
            FormattableString.Invariant($"{ratio:0.00} : 1 ({a} : {b}){(bothReady ? "" : "; a queue ran dry, so the window is not both-ready")}"),
            bothReady && Math.Abs(ratio / WeightA - 1) <= 0.05);
    }

    private static void AddRow(BenchReport report, string phase, double[] ms, int unserved, int? a, int? b) =>
        report.AddRow(
            Cell("phase", phase),
            Cell("jobs", ms.Length),
            Cell("never_leased", unserved),
            Cell("p50_ms", Latencies.NearestRank(ms, 0.50)),
            Cell("p95_ms", Latencies.NearestRank(ms, 0.95)),
            Cell("max_ms", Latencies.NearestRank(ms, 1)),
            Cell("leases_a", a),
            Cell("leases_b", b),
            Cell("load_1m", LoadNow));

    /// <summary>Each job's wait in seconds, or for one never leased the time it had waited when the run gave up on it.</summary>
    private sealed record ArrivalRun(double[] Waits, int Unserved);

    /// <summary>
    /// Submits <paramref name="count"/> jobs to B numbered from <paramref name="first"/>, open loop at
    /// <paramref name="rate"/>, then waits up to <paramref name="grace"/> for the last of them to be leased.
    /// </summary>
    private static async Task<ArrivalRun> ArrivalsAsync(
        BenchApi api, ConcurrentDictionary<long, long> leased, long first, int count, double rate, TimeSpan grace, CancellationToken ct)
    {
        var bodies = Enumerable.Range(0, count).Select(k => SubmitBodies.Single(QueueB, JobFlow.Type, first + k)).ToList();
        var sent = new long[count];
        await OpenLoopSubmits.SendAsync(api, bodies, rate, sent, null, ct);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < grace && !Enumerable.Range(0, count).All(k => leased.ContainsKey(first + k))) await Task.Delay(50, ct);
        var end = Stopwatch.GetTimestamp();
        var waits = Enumerable.Range(0, count)
            .Select(k => Stopwatch.GetElapsedTime(sent[k], leased.TryGetValue(first + k, out var at) ? at : end).TotalSeconds).ToArray();
        return new ArrivalRun(waits, Enumerable.Range(0, count).Count(k => !leased.ContainsKey(first + k)));
    }
}
