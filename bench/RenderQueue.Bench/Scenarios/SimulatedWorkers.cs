using System.Diagnostics;
using RenderQueue.Bench.Harness;

namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// GPU workers as the fleet scenarios simulate them: each leases one job at a time on a long-poll, "renders" it (the
/// scenario's sleeps, swaps and heartbeats) and completes it, until told to stop.
/// </summary>
internal static class SimulatedWorkers
{
    /// <summary>
    /// Starts <paramref name="workers"/> loops. <paramref name="work"/> gets the worker's number, the job and the
    /// <see cref="Stopwatch"/> timestamp its lease answer arrived; <paramref name="completed"/> hears of each complete
    /// the server accepted. A loop ends once <paramref name="stop"/> fires, also in the middle of a job's work.
    /// </summary>
    public static List<Task> Start(
        BenchApi api, int workers, Func<int, byte[]> leaseBody, Func<int, LeasedJob, long, CancellationToken, Task> work,
        Action<LeasedJob> completed, CancellationToken stop) =>
        [.. Enumerable.Range(0, workers).Select(w => Task.Run(() => LoopAsync(api, w, leaseBody(w), work, completed, stop), CancellationToken.None))];

    private static async Task LoopAsync(
        BenchApi api, int worker, byte[] leaseBody, Func<int, LeasedJob, long, CancellationToken, Task> work, Action<LeasedJob> completed,
        CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (await api.LeaseUntilStoppedAsync(leaseBody, stop) is not { } leased) return;
                var at = Stopwatch.GetTimestamp();
                foreach (var job in leased)
                {
                    await work(worker, job, at, stop);
                    await api.CompleteAsync(job, stop);
                    completed(job);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the run is over; a job cut short stays leased on a server about to be stopped
        }
    }
}
