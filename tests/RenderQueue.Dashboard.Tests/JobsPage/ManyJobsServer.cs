using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Dashboard.Tests.Support;

namespace RenderQueue.Dashboard.Tests.JobsPage;

/// <summary>
/// 10,000 queued jobs in queue <c>bulk</c> (submitted in batches of 1,000; no worker runs their type), 120 of them
/// canceled, and a few failed and succeeded jobs in queue <c>manual</c>.
/// </summary>
public sealed class ManyJobsServer : DashboardServer
{
    public const int BulkJobs = 10_000;
    public const int Canceled = 120;
    public const int Failed = 4;

    protected override async Task SeedAsync()
    {
        for (var batch = 0; batch < BulkJobs / 1_000; batch++)
        {
            var jobs = Enumerable.Range(batch * 1_000, 1_000)
                .Select(n => Jobs.Idle("bulk", new { Title = $"Bulk render #{n + 1}" }, priority: n % 3))
                .ToList();
            var submitted = await Api.SubmitBatchAsync(jobs);
            if (batch == 0)
            {
                foreach (var job in submitted.Take(Canceled)) await Api.CancelAsync(job.Id);
            }
        }

        var worker = await ManualWorker.RegisterAsync(Api, "manual-1");
        for (var i = 0; i < Failed * 2; i++)
        {
            await Api.SubmitAsync(ManualWorker.Job("manual", new { Title = $"Manual #{i + 1}" }));
            var leased = await worker.LeaseAsync();
            if (i % 2 == 0) await Api.FailAsync(leased.LeaseToken, new JobError($"Step {i} could not finish", ErrorClasses.InvalidInput), retryable: false);
            else await Api.CompleteAsync(leased.LeaseToken);
        }
    }

    /// <summary>The ids of the first <paramref name="pages"/> pages of 50, as the API lists them.</summary>
    public async Task<List<List<string>>> ApiPagesAsync(JobListQuery query, int pages)
    {
        var result = new List<List<string>>();
        string? cursor = null;
        for (var i = 0; i < pages; i++)
        {
            var page = await Api.ListJobsAsync(query with { Limit = 50, Cursor = cursor });
            result.Add([.. page.Items.Select(j => j.Id)]);
            cursor = page.NextCursor;
        }
        return result;
    }
}
