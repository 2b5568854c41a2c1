using System.Net;
using RenderQueue.Cli.Payloads;
using RenderQueue.Client;
using RenderQueue.Core.Api;

namespace RenderQueue.Cli.Transfers;

/// <summary>
/// Submits a render set in batches, several in flight. A batch the server finds too large (413) is split in two and
/// both halves sent; since every job has an idempotency key, a batch sent twice (or a whole re-run) adds nothing.
/// </summary>
internal sealed class SeedRun(RenderQueueClient client, SeedPlan plan, int batchSize, int parallel)
{
    /// <summary>Submits every job; <paramref name="submitted"/> is told how many jobs each finished batch held.</summary>
    public Task RunAsync(Action<int> submitted, CancellationToken ct)
    {
        var batches = Enumerable.Range(0, (plan.Count + batchSize - 1) / batchSize)
            .Select(b => (From: plan.Start + (long)b * batchSize, Count: Math.Min(batchSize, plan.Count - b * batchSize)));
        return Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
            async (batch, ct) => await SubmitAsync(batch.From, batch.Count, submitted, ct));
    }

    private async Task SubmitAsync(long from, int count, Action<int> submitted, CancellationToken ct)
    {
        var jobs = new SubmitJobRequest[count];
        for (var i = 0; i < count; i++) jobs[i] = plan.Job(from + i);
        try
        {
            await client.SubmitBatchIdsAsync(jobs, ct);
        }
        catch (RenderQueueApiException e) when (e.StatusCode == HttpStatusCode.RequestEntityTooLarge && count > 1)
        {
            var half = count / 2;
            await SubmitAsync(from, half, submitted, ct);
            await SubmitAsync(from + half, count - half, submitted, ct);
            return;
        }
        submitted(count);
    }
}
