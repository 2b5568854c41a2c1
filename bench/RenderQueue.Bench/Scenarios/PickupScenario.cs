using System.Diagnostics;
using RenderQueue.Bench.Harness;
using static RenderQueue.Bench.Harness.BenchReport;

namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// Pickup latency: jobs submitted one by one at a steady rate R (open loop: each submit leaves on its own schedule,
/// whatever the answers do) to K workers parked on long-poll leases. One clock, the bench's: the time a submit was
/// sent to the time the lease answer carrying that job (found by its <c>payload.n</c>) was received. Each rate runs
/// several times on a fresh server (five by default): the tail differs from run to run, so one run's p99 says little.
/// Every pickup slower than 50 ms is listed with what the <see cref="StallWitness"/> saw happen meanwhile.
/// </summary>
internal static class PickupScenario
{
    private const string Queue = "pickup";
    private const double StallMs = 50;
    private const int MaxStallNotes = 30;

    public static async Task RunAsync(BenchOptions options, BenchReport report, TextWriter output, CancellationToken ct)
    {
        var workers = options.Workers ?? 8;
        var duration = options.Duration ?? TimeSpan.FromSeconds(20);
        // Each rate starts a fresh server; on two shared cores its tiered compiler was still taking a sixth of the
        // server's CPU 15 s in, so the first seconds at the rate are not counted.
        var warmUp = TimeSpan.FromSeconds(Math.Min(10, duration.TotalSeconds / 2));
        report.Parameters["workers"] = workers;
        report.Parameters["measured_seconds"] = duration.TotalSeconds;
        report.Parameters["warm_up_seconds"] = warmUp.TotalSeconds;
        var runs = options.Runs ?? 5;
        report.Parameters["runs"] = runs;
        report.Parameters["stall_ms"] = StallMs;

        foreach (var rate in options.SizesOr(500))
        {
            var p99s = new List<double>();
            for (var number = 1; number <= runs; number++)
                p99s.Add(await RunOnceAsync(options, report, output, rate, number, workers, warmUp, duration, ct));
            p99s.Sort();
            var median = p99s[p99s.Count / 2];
            output.WriteLine($"  {rate} jobs/s over {runs} runs: p99 median {median:0.00} ms, worst {p99s[^1]:0.00} ms");
            if (rate == 500)
            {
                report.Target($"pickup p99 at 500 jobs/s, median of {runs} runs ≤ 5 ms", $"{median:0.00} ms", median <= 5);
                report.Target($"pickup p99 at 500 jobs/s, worst of {runs} runs ≤ 15 ms", $"{p99s[^1]:0.00} ms", p99s[^1] <= 15);
            }
        }
        if (report.Targets.Count == 0) report.Target("pickup p99 at 500 jobs/s, median of the runs ≤ 5 ms", "500 jobs/s was not among the rates run", null);
    }

    /// <summary>One run on a fresh server: a row of the table, a note per stall; returns its p99.</summary>
    private static async Task<double> RunOnceAsync(
        BenchOptions options, BenchReport report, TextWriter output, long rate, int number, int workers, TimeSpan warmUp, TimeSpan duration,
        CancellationToken ct)
    {
        await using var server = await BenchServer.StartAsync(options.Store);
        using var api = new BenchApi(server.Address);
        await JobFlow.RegisterAsync(api, "pickup", workers, ct);
        var load = LoadNow;
        var (cpu0, _) = server.CpuTime;
        await using var witness = await StallWitness.PrepareAsync(api, server.RedisPort, ct);
        var run = await MeasureAsync(api, rate, workers, warmUp, duration, witness.Begin, ct);
        await witness.StopAsync(ct);
        var (cpu1, _) = server.CpuTime;
        var latency = run.Latency;
        var stalls = run.Stalls.OrderBy(x => x.Sent).Select(x => (Stall: x, Causes: witness.Explain(x.Sent, x.Received))).ToList();
        foreach (var (stall, causes) in stalls.Take(MaxStallNotes))
            report.Notes.Add($"run {number}: a pickup took {stall.Ms:0} ms, {Stopwatch.GetElapsedTime(run.Started, stall.Sent).TotalSeconds:0.0} s in: {StallWitness.Describe(causes)}");
        if (stalls.Count > MaxStallNotes)
        {
            var kinds = stalls.SelectMany(x => x.Causes.Count == 0 ? ["unattributed"] : x.Causes.Select(c => c.Kind)).GroupBy(k => k)
                .OrderByDescending(g => g.Count()).Select(g => $"{g.Key} in {g.Count()}");
            report.Notes.Add($"run {number}: {stalls.Count} pickups over {StallMs} ms in all (the first {MaxStallNotes} above); causes seen: {string.Join(", ", kinds)}");
        }
        if (latency.Percentile(0.5) > StallMs)
            report.Notes.Add($"run {number}: the median pickup took {latency.Percentile(0.5):0} ms: the machine could not keep up with {rate} jobs/s (achieved {run.AchievedRate:0}), so stalls are queueing, not pauses");

        report.AddRow(
            Cell("rate", rate),
            Cell("run", number),
            Cell("achieved_rate", run.AchievedRate),
            Cell("workers", workers),
            Cell("samples", latency.Count),
            Cell("p50_ms", latency.Percentile(0.50)),
            Cell("p90_ms", latency.Percentile(0.90)),
            Cell("p99_ms", latency.Percentile(0.99)),
            Cell("p999_ms", latency.Percentile(0.999)),
            Cell("max_ms", latency.Max),
            Cell("stalls", run.Stalls.Count),
            Cell("not_picked_up", run.Missing),
            Cell("server_cpu_s", (cpu1 - cpu0).TotalSeconds),
            Cell("load_1m", load));
        output.WriteLine($"  {rate} jobs/s, run {number}: p50 {latency.Percentile(0.5):0.00} ms, p99 {latency.Percentile(0.99):0.00} ms, max {latency.Max:0.0} ms, {run.Stalls.Count} over {StallMs} ms, load {load:0.00}");
        return latency.Percentile(0.99);
    }

    /// <summary>A pickup slower than <see cref="StallMs"/>: Stopwatch timestamps of its submit and of its lease answer.</summary>
    private sealed record Stall(long Sent, long Received)
    {
        public double Ms => Stopwatch.GetElapsedTime(Sent, Received).TotalMilliseconds;
    }

    private sealed record Run(Latencies Latency, double AchievedRate, long Missing, List<Stall> Stalls, long Started);

    private static async Task<Run> MeasureAsync(
        BenchApi api, long rate, int workers, TimeSpan warmUp, TimeSpan duration, Action measuring, CancellationToken ct)
    {
        var total = (long)Math.Ceiling(rate * (warmUp + duration).TotalSeconds);
        var measuredFrom = (long)(rate * warmUp.TotalSeconds);
        var sent = new long[total];
        var latency = new Latencies();
        var received = 0L;
        var stalls = new List<Stall>();
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        async Task WorkAsync(int w)
        {
            var body = BenchApi.LeaseBody($"pickup-{w}", maxJobs: 1, waitSeconds: 30);
            while (!stop.IsCancellationRequested)
            {
                if (await api.LeaseUntilStoppedAsync(body, stop.Token) is not { } leased) return;
                var now = Stopwatch.GetTimestamp();
                foreach (var job in leased)
                {
                    if (job.Number >= measuredFrom)
                    {
                        var sentAt = Volatile.Read(ref sent[job.Number]);
                        var ms = Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds;
                        latency.Add(ms);
                        if (ms > StallMs) lock (stalls) stalls.Add(new Stall(sentAt, now));
                    }
                    if (Interlocked.Increment(ref received) == total) allReceived.TrySetResult();
                }
                foreach (var job in leased) await api.CompleteAsync(job, ct);
            }
        }

        var loops = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w), CancellationToken.None)).ToList();
        await Task.Delay(500, ct); // let every worker park

        var bodies = new byte[total][];
        for (var i = 0L; i < total; i++) bodies[i] = SubmitBodies.Single(Queue, JobFlow.Type, i);
        long measuredStart = 0;
        var lastSent = await OpenLoopSubmits.SendAsync(api, bodies, rate, sent, (i, now) =>
        {
            if (i != measuredFrom) return;
            measuredStart = now;
            measuring();
        }, ct);
        var achieved = (total - measuredFrom) / Stopwatch.GetElapsedTime(measuredStart, lastSent).TotalSeconds;

        try
        {
            await allReceived.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }
        catch (TimeoutException)
        {
            // reported as not picked up
        }
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        return new Run(latency, achieved, total - Interlocked.Read(ref received), stalls, measuredStart);
    }
}
