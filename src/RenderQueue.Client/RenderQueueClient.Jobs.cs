using System.Globalization;
using System.Runtime.CompilerServices;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Client;

public sealed partial class RenderQueueClient
{
    /// <summary>The largest page the server serves.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Submits one job. With an idempotency key (argument or field) that the server has seen, returns the
    /// existing job instead of creating another.</summary>
    public async Task<Job> SubmitAsync(SubmitJobRequest job, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/jobs") { Content = JsonBody(job) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await SendAsync<Job>(request, cancellationToken);
    }

    /// <summary>Submits many jobs in one commit; returns them in the order given.</summary>
    public async Task<IReadOnlyList<Job>> SubmitBatchAsync(IReadOnlyList<SubmitJobRequest> jobs, CancellationToken cancellationToken = default) =>
        (await PostAsync<SubmitBatchResponse>("api/v1/jobs/batch", new SubmitBatchRequest { Jobs = jobs }, cancellationToken)).Items;

    /// <summary>
    /// Submits many jobs in one commit like <see cref="SubmitBatchAsync"/>, but returns only their ids, in the order
    /// given: the answer is scanned for ids without building a <see cref="Job"/> (and its payload) per job, which is
    /// most of a client's work when it submits thousands of jobs.
    /// </summary>
    public async Task<IReadOnlyList<string>> SubmitBatchIdsAsync(IReadOnlyList<SubmitJobRequest> jobs, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/jobs/batch") { Content = JsonBody(new SubmitBatchRequest { Jobs = jobs }) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ThrowIfFailedAsync(response, lease: false, cancellationToken);
        return JobIdScanner.ReadItemIds(await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>One job with its state, progress, position and ETA (while queued), result, artifacts and attempts.</summary>
    public Task<Job> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        GetAsync<Job>($"api/v1/jobs/{Escape(jobId)}", cancellationToken);

    /// <summary>One page of jobs, newest first; pass the page's <c>NextCursor</c> to get the next one.</summary>
    public Task<JobPage> ListJobsAsync(JobListQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new JobListQuery();
        var parts = new List<string>();
        if (query.States.Count > 0) parts.Add("state=" + string.Join(',', query.States.Select(s => s.ToWire())));
        if (query.Queue is not null) parts.Add("queue=" + Escape(query.Queue));
        if (query.Type is not null) parts.Add("type=" + Escape(query.Type));
        if (query.Limit is { } limit) parts.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        if (query.Cursor is not null) parts.Add("cursor=" + Escape(query.Cursor));
        var path = parts.Count == 0 ? "api/v1/jobs" : "api/v1/jobs?" + string.Join('&', parts);
        return GetAsync<JobPage>(path, cancellationToken);
    }

    /// <summary>
    /// Every job matching <paramref name="query"/>, newest first, reading page after page (of
    /// <see cref="JobListQuery.Limit"/> jobs, default 500) as the caller enumerates. Starts at
    /// <see cref="JobListQuery.Cursor"/> when set.
    /// </summary>
    public async IAsyncEnumerable<Job> ListAllJobsAsync(
        JobListQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new JobListQuery();
        if (query.Limit is null) query = query with { Limit = MaxPageSize };
        while (true)
        {
            var page = await ListJobsAsync(query, cancellationToken);
            foreach (var job in page.Items) yield return job;
            if (page.NextCursor is null || page.Items.Count == 0) yield break;
            query = query with { Cursor = page.NextCursor };
        }
    }

    /// <summary>Cancels a job: a pending one at once, a running one through its worker's next renew.</summary>
    public Task<Job> CancelAsync(string jobId, string? reason = null, CancellationToken cancellationToken = default) =>
        PostAsync<Job>($"api/v1/jobs/{Escape(jobId)}/cancel", new CancelJobRequest(reason), cancellationToken);

    /// <summary>Queues a failed or canceled job again with a fresh attempt budget.</summary>
    public Task<Job> RetryAsync(string jobId, CancellationToken cancellationToken = default) =>
        PostAsync<Job>($"api/v1/jobs/{Escape(jobId)}/retry", null, cancellationToken);

    /// <summary>Sends a succeeded job back for re-render, saying why.</summary>
    public Task<Job> FlagAsync(string jobId, string reason, CancellationToken cancellationToken = default) =>
        PostAsync<Job>($"api/v1/jobs/{Escape(jobId)}/flag", new FlagJobRequest(reason), cancellationToken);

    /// <summary>Records that the outputs of a succeeded job were downloaded.</summary>
    public Task<Job> MarkCollectedAsync(string jobId, CancellationToken cancellationToken = default) =>
        PostAsync<Job>($"api/v1/jobs/{Escape(jobId)}/collected", null, cancellationToken);

    /// <summary>Changes the priority of a job that has not started.</summary>
    public Task<Job> SetPriorityAsync(string jobId, int priority, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(new HttpRequestMessage(HttpMethod.Patch, $"api/v1/jobs/{Escape(jobId)}") { Content = JsonBody(new PatchJobRequest(priority)) }, cancellationToken);
}
