using System.Diagnostics;
using RenderQueue.Bench.Harness;

namespace RenderQueue.Bench.Scenarios;

/// <summary>What <see cref="PausedQueueRun"/> measured, in seconds from the queue's resume on the bench's clock.</summary>
/// <param name="Makespan">Until the last complete was answered.</param>
/// <param name="LeasedAt">Per job number: when its lease answer arrived, i.e. how long it waited, all being ready at 0.</param>
internal sealed record PausedRunResult(double Makespan, double[] LeasedAt);

/// <summary>
/// A fleet run in which every job is in place before the clock starts, as an ideal bound assumes: the jobs (numbered
/// 0…N-1) go into a paused queue, the simulated workers park on it, then the queue resumes and the clock runs until
/// the last job is completed.
/// </summary>
internal static class PausedQueueRun
{
    public static async Task<PausedRunResult> RunAsync(
        BenchApi api, string queue, IReadOnlyList<byte[]> batches, int jobs, int workers, Func<int, byte[]> leaseBody,
        Func<int, LeasedJob, CancellationToken, Task> work, TimeSpan limit, CancellationToken ct)
    {
        await api.SetPausedAsync(queue, paused: true, ct);
        foreach (var batch in batches) await api.SubmitBatchAsync(batch, ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(limit);
        var leasedAt = new double[jobs];
        var start = 0L;
        var completed = 0;
        var lastCompletion = 0L;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loops = SimulatedWorkers.Start(api, workers, leaseBody,
            (w, job, at, token) =>
            {
                leasedAt[job.Number] = Stopwatch.GetElapsedTime(Volatile.Read(ref start), at).TotalSeconds;
                return work(w, job, token);
            },
            _ =>
            {
                Interlocked.Exchange(ref lastCompletion, Stopwatch.GetTimestamp());
                if (Interlocked.Increment(ref completed) == jobs) done.TrySetResult();
            },
            stop.Token);

        await Task.Delay(500, ct); // every worker parked on the paused queue
        Volatile.Write(ref start, Stopwatch.GetTimestamp());
        await api.SetPausedAsync(queue, paused: false, ct);
        try
        {
            await done.Task.WaitAsync(stop.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Only {Volatile.Read(ref completed)} of {jobs} jobs in {queue} were completed within {limit.TotalSeconds:0} s.");
        }
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        return new PausedRunResult(Stopwatch.GetElapsedTime(start, Interlocked.Read(ref lastCompletion)).TotalSeconds, leasedAt);
    }
}
