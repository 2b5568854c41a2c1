using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;

namespace RenderQueue.Client;

public sealed partial class RenderQueueClient
{
    // ── The worker side: every call about a job carries its lease token; a stale one throws LeaseLostException ──

    /// <summary>Registers (or re-registers) a worker and its capabilities; returns its id and the timings to keep.</summary>
    public Task<RegisterWorkerResponse> RegisterWorkerAsync(WorkerRegistration registration, CancellationToken cancellationToken = default) =>
        PostAsync<RegisterWorkerResponse>("api/v1/workers/register", registration, cancellationToken);

    /// <summary>Reports the worker alive. A 404 (<see cref="RenderQueueApiException"/>) means: register again.</summary>
    public Task<HeartbeatResponse> HeartbeatAsync(string workerId, WorkerHeartbeat heartbeat, CancellationToken cancellationToken = default) =>
        PostAsync<HeartbeatResponse>($"api/v1/workers/{Escape(workerId)}/heartbeat", heartbeat, cancellationToken);

    /// <summary>Asks for up to <c>MaxJobs</c> jobs, waiting up to <c>Wait</c> (at most 30 s) for one to be submitted.
    /// An empty list means the wait ran out.</summary>
    public Task<LeaseJobsResponse> LeaseAsync(LeaseJobsRequest request, CancellationToken cancellationToken = default) =>
        PostAsync<LeaseJobsResponse>("api/v1/leases", request, cancellationToken);

    /// <summary>Extends the lease and reports progress. Stop the job when the reply's <c>CancelRequested</c> is true.</summary>
    public Task<RenewLeaseResponse> RenewAsync(LeaseToken lease, JobProgress? progress = null, CancellationToken cancellationToken = default) =>
        PostAsync<RenewLeaseResponse>($"api/v1/leases/{Escape(lease.JobId)}/renew", new RenewLeaseRequest(lease.Attempt, progress), cancellationToken, lease: true);

    /// <summary>Uploads an output file of the running attempt. The stream is read to its end and not disposed.</summary>
    public async Task<ArtifactInfo> UploadArtifactAsync(
        LeaseToken lease, string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        var path = $"api/v1/leases/{Escape(lease.JobId)}/artifacts/{Escape(name)}?attempt={lease.Attempt.ToString(CultureInfo.InvariantCulture)}";
        var body = new StreamContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/octet-stream");
        return await SendAsync<ArtifactInfo>(new HttpRequestMessage(HttpMethod.Put, path) { Content = body }, cancellationToken, lease: true);
    }

    /// <summary>Reports success with an optional result; the job becomes <c>succeeded</c>.</summary>
    public Task<Job> CompleteAsync(LeaseToken lease, JsonElement? result = null, CancellationToken cancellationToken = default) =>
        PostAsync<Job>($"api/v1/leases/{Escape(lease.JobId)}/complete", new CompleteLeaseRequest(lease.Attempt, result), cancellationToken, lease: true);

    /// <summary>
    /// Reports success for several leased jobs in one request (e.g. a batch from one lease). Each is fenced by its own
    /// attempt and applied or refused on its own: a stale one does not throw, its outcome carries the 409 instead.
    /// </summary>
    public async Task<IReadOnlyList<LeaseCompletionOutcome>> CompleteManyAsync(
        IEnumerable<LeaseCompletion> completions, CancellationToken cancellationToken = default) =>
        (await PostAsync<CompleteLeasesResponse>("api/v1/leases/complete", new CompleteLeasesRequest([.. completions]), cancellationToken)).Results;

    /// <summary>Reports a failure. The server retries it after a backoff while attempts remain and
    /// <paramref name="retryable"/> is true; otherwise the job fails (or ends canceled if a cancel was asked).</summary>
    public Task<Job> FailAsync(LeaseToken lease, JobError error, bool retryable = true, CancellationToken cancellationToken = default) =>
        PostAsync<Job>($"api/v1/leases/{Escape(lease.JobId)}/fail", new FailLeaseRequest(lease.Attempt, error, retryable), cancellationToken, lease: true);

    /// <summary>Gives an unfinished job back to the queue at once without charging the attempt (e.g. while draining).</summary>
    public Task<Job> ReleaseAsync(LeaseToken lease, string? reason = null, CancellationToken cancellationToken = default) =>
        PostAsync<Job>($"api/v1/leases/{Escape(lease.JobId)}/release", new ReleaseLeaseRequest(lease.Attempt, reason), cancellationToken, lease: true);
}
