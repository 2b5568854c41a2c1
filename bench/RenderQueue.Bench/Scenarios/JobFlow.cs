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

    public static async Task RegisterAsync(BenchApi api, string prefix, int workers, CancellationToken ct)
    {
        for (var w = 0; w < workers; w++) await api.RegisterAsync($"{prefix}-{w}", Type, ct);
    }

    /// <summary>Submits jobs numbered <paramref name="first"/>… and waits until the workers completed all of them.</summary>
    public static async Task<FlowResult> RunAsync(
        BenchApi api, string queue, string workerPrefix, int workers, int leaseBatch, bool completeEach, long first, long jobs, TimeSpan limit,
        CancellationToken ct, int singleSubmitters = 0)
    {
        var bodies = new List<byte[]>();
        for (var n = first; singleSubmitters == 0 && n < first + jobs; n += SubmitBatchSize)
            bodies.Add(SubmitBodies.Batch(queue, Type, n, (int)Math.Min(SubmitBatchSize, first + jobs - n)));

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
        if (singleSubmitters > 0) await SubmitSinglesAsync(api, queue, first, jobs, singleSubmitters, stop.Token);
        else await SubmitBatchesAsync(api, bodies, stop.Token);
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

    private static async Task SubmitBatchesAsync(BenchApi api, List<byte[]> bodies, CancellationToken stop)
    {
        using var inFlight = new SemaphoreSlim(SubmitsInFlight);
        await Task.WhenAll(bodies.Select(async body =>
        {
            await inFlight.WaitAsync(stop);
            try
            {
                await api.SubmitBatchAsync(body, stop);
            }
            finally
            {
                inFlight.Release();
            }
        }));
    }

    /// <summary>Clients that each submit one job per request, numbering them from one shared counter.</summary>
    private static async Task SubmitSinglesAsync(BenchApi api, string queue, long first, long jobs, int submitters, CancellationToken stop)
    {
        var next = first - 1;
        await Task.WhenAll(Enumerable.Range(0, submitters).Select(_ => Task.Run(async () =>
        {
            for (var n = Interlocked.Increment(ref next); n < first + jobs; n = Interlocked.Increment(ref next))
                await api.SubmitAsync(SubmitBodies.Single(queue, Type, n), stop);
        }, CancellationToken.None)));
    }
}
