using System.Diagnostics;
using RenderQueue.Bench.Harness;

namespace RenderQueue.Bench.Scenarios;

/// <summary>What a run of <see cref="JobFlow.RunAsync"/> measured.</summary>
internal sealed record FlowResult(long Jobs, TimeSpan Elapsed, TimeSpan SubmitElapsed, long FailedCompletes)
{
    public double JobsPerSecond => Jobs / Elapsed.TotalSeconds;
    public double SubmitsPerSecond => Jobs / SubmitElapsed.TotalSeconds;
}

/// <summary>
/// End-to-end flow: workers start parked on long-poll leases, then batches are submitted (two in flight, as
/// <c>renderq seed</c> does), or with singleSubmitters that many clients submit one job per request, while the workers
/// lease several jobs per call and complete them, with one batch complete per lease or (with completeEach) one request
/// per job. The clock runs from the first submit sent to the last completion answered.
/// </summary>
internal static class JobFlow
{
    public const string Type = "bench";
    public const int SubmitBatchSize = 1_000;
    public const int SubmitsInFlight = 2;

    /// <summary>
    /// The uncounted warm-up run before a measured one (JIT, connection pools, caches): a quarter of it, at most 25,000
    /// jobs. Shorter ones left the runtime's tiered compiler busy in the measured run: on a loaded machine it took a
    /// quarter of the server's CPU 20 s in, while the hot paths still ran unoptimised code.
    /// </summary>
    public static long WarmUpJobs(long jobs) => Math.Clamp(jobs / 4, 1, 25_000);

    /// <summary>How long a run of <paramref name="jobs"/> may take before it is called failed.</summary>
    public static TimeSpan Limit(long jobs) => TimeSpan.FromSeconds(Math.Max(60, jobs / 200.0));

    public static async Task RegisterAsync(BenchApi api, string prefix, int workers, CancellationToken ct)
    {
        for (var w = 0; w < workers; w++) await api.RegisterAsync($"{prefix}-{w}", Type, ct);
    }

    /// <summary>Submits jobs numbered <paramref name="first"/>… and waits until the workers completed all of them.</summary>
    public static async Task<FlowResult> RunAsync(
        BenchApi api, string queue, string workerPrefix, int workers, int leaseBatch, bool completeEach, long first, long jobs, TimeSpan limit,
        CancellationToken ct, int singleSubmitters = 0)
    {
        var single = singleSubmitters > 0;
        var bodies = new List<byte[]>();
        for (var n = first; n < first + jobs; n += single ? 1 : SubmitBatchSize)
            bodies.Add(single ? SubmitBodies.Single(queue, Type, n) : SubmitBodies.Batch(queue, Type, n, (int)Math.Min(SubmitBatchSize, first + jobs - n)));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(limit);
        var completed = 0L;
        var failedCompletes = 0L;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loops = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w), CancellationToken.None)).ToList();

        async Task WorkAsync(int w)
        {
            var body = BenchApi.LeaseBody($"{workerPrefix}-{w}", leaseBatch, waitSeconds: 1);
            while (!stop.IsCancellationRequested)
            {
                if (await api.LeaseUntilStoppedAsync(body, stop.Token) is not { } leased) return;
                if (leased.Count == 0) continue;
                if (completeEach)
                {
                    foreach (var job in leased) await CompleteOneAsync(job);
                    continue;
                }
                int refused;
                try
                {
                    refused = await api.CompleteManyAsync(leased, ct);
                }
                catch (Exception e) when (e is BenchHttpException or HttpRequestException)
                {
                    refused = leased.Count;
                }
                Interlocked.Add(ref failedCompletes, refused);
                if (Interlocked.Add(ref completed, leased.Count - refused) >= jobs) done.TrySetResult();
            }
        }

        async Task CompleteOneAsync(LeasedJob job)
        {
            try
            {
                await api.CompleteAsync(job, ct);
            }
            catch (Exception e) when (e is BenchHttpException or HttpRequestException)
            {
                // e.g. a 409 when a starved loop let the lease run out: the job is re-offered and completed
                // by whoever leases it next; the loop carries on rather than stranding the rest of its batch.
                Interlocked.Increment(ref failedCompletes);
                return;
            }
            if (Interlocked.Increment(ref completed) >= jobs) done.TrySetResult();
        }

        var watch = Stopwatch.StartNew();
        await SubmitAllAsync(api, bodies, single ? singleSubmitters : SubmitsInFlight, single, stop.Token);
        var submitted = watch.Elapsed;
        try
        {
            await done.Task.WaitAsync(stop.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Only {Interlocked.Read(ref completed):N0} of {jobs:N0} jobs were completed within {limit.TotalSeconds:0} s ({Interlocked.Read(ref failedCompletes):N0} completes refused or failed).");
        }
        var elapsed = watch.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        return new FlowResult(jobs, elapsed, submitted, Interlocked.Read(ref failedCompletes));
    }

    /// <summary>Sends the prebuilt bodies, <paramref name="inFlight"/> at a time, in order.</summary>
    private static Task SubmitAllAsync(BenchApi api, List<byte[]> bodies, int inFlight, bool single, CancellationToken stop)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < bodies.Count; i = Interlocked.Increment(ref next))
                await (single ? api.SubmitAsync(bodies[i], stop) : api.SubmitBatchAsync(bodies[i], stop));
        }, CancellationToken.None)));
    }
}
