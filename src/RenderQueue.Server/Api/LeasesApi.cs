using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Dispatch;
using RenderQueue.Server.Errors;
using RenderQueue.Server.Metrics;
using RenderQueue.Server.Tracing;

namespace RenderQueue.Server.Api;

/// <summary>Workers' side of jobs: the long-poll lease, then renew, complete, fail or release, each fenced by the attempt.</summary>
internal static class LeasesApi
{
    public const int MaxJobsPerLease = 100;

    public static RouteGroupBuilder MapLeases(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/leases").WithTags("Leases").RequireKey(Policies.Worker);
        group.MapPost("/", Lease).JsonBody().Problems(404); // 404: the worker is not registered
        group.MapPost("/complete", CompleteMany).JsonBody(); // each refusal is inside the 200 answer
        // Fenced calls: 404 no such job, 409 the attempt no longer holds the lease.
        group.MapPost("/{jobId}/renew", Renew).JsonBody().Problems(404, 409);
        group.MapPost("/{jobId}/complete", Complete).JsonBody().Problems(404, 409);
        group.MapPost("/{jobId}/fail", Fail).JsonBody().Problems(404, 409);
        group.MapPost("/{jobId}/release", async (string jobId, ReleaseLeaseRequest request, IJobStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ReleaseAsync(Token(jobId, request.Attempt), request.Reason ?? "Released by the worker.", ct)))
            .JsonBody().Problems(404, 409);
        return group;
    }

    private static async Task<Ok<LeaseJobsResponse>> Lease(
        LeaseJobsRequest request, WorkerDirectory workers, LeaseDispatcher dispatcher, FleetWarmModels fleet,
        IOptions<LeaseOptions> options, IOptions<SchedulerOptions> scheduler, TimeProvider time, IHostApplicationLifetime lifetime, HttpContext http)
    {
        var leases = options.Value;
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.WorkerId)) errors["worker_id"] = ["worker_id is required: register first with POST /api/v1/workers/register."];
        if (request.MaxJobs is < 1 or > MaxJobsPerLease) errors["max_jobs"] = [FormattableString.Invariant($"max_jobs must be between 1 and {MaxJobsPerLease}.")];
        if (request.Wait > leases.MaxWait) errors["wait"] = [FormattableString.Invariant($"wait must be at most {leases.MaxWait.TotalSeconds:0.###} seconds.")];
        if (request.FreeVramMb is < 0) errors["free_vram_mb"] = ["free_vram_mb cannot be negative."];
        RequestValidationException.ThrowIfAny(errors);

        var worker = await workers.GetAsync(request.WorkerId!, http.RequestAborted);
        var slots = request.GpusFree is null ? [] : GpuSlots.Resolve(request, worker);
        // Draining or unhealthy (no healthy backend), or every slot offered is on an unhealthy backend: nothing.
        var status = worker.WithStatusAt(time.GetUtcNow(), TimeSpan.MaxValue).Status;
        if (status != WorkerStatus.Online || request.GpusFree is not null && slots.Count == 0)
            return TypedResults.Ok(new LeaseJobsResponse([], leases.Duration));

        var registration = worker.Registration;
        var affinityWait = scheduler.Value.AffinityWait;
        var leaseRequest = new LeaseRequest
        {
            WorkerId = worker.Id,
            Types = registration.Types,
            Queues = registration.Queues,
            Capabilities = new WorkerCapabilities(registration.Labels, registration.Models, request.FreeVramMb ?? worker.FreeVramMb),
            MaxJobs = request.MaxJobs,
            Slots = slots,
            AffinityWait = affinityWait,
            FleetWarmModels = affinityWait > TimeSpan.Zero ? await fleet.GetAsync(http.RequestAborted) : null,
            LeaseDuration = leases.Duration,
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var jobs = await dispatcher.LeaseAsync(leaseRequest, request.Wait, stop.Token);
        return TypedResults.Ok(new LeaseJobsResponse(jobs, leases.Duration));
    }

    private static async Task<Ok<RenewLeaseResponse>> Renew(
        string jobId, RenewLeaseRequest request, IJobStore store, IOptions<LeaseOptions> options, CancellationToken ct)
    {
        var token = Token(jobId, request.Attempt);
        if (request.Progress is { } p && (!double.IsFinite(p.Value) || !double.IsFinite(p.Max) || p.Value < 0 || p.Max <= 0 || p.Message?.Length > 1_000))
            throw RequestValidationException.For("progress", "progress needs 0 ≤ value, 0 < max, and a message of at most 1,000 characters.");
        var job = await store.RenewAsync(token, request.Progress, options.Value.Duration, ct);
        return TypedResults.Ok(new RenewLeaseResponse(job.LeaseExpiresAt ?? default, job.CancelRequested));
    }

    private static async Task<Ok<Job>> Complete(string jobId, CompleteLeaseRequest request, IJobStore store, RenderQueueMetrics metrics, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow; // spans are on the wall clock, like the request's own
        var job = await store.CompleteAsync(Token(jobId, request.Attempt), request.Result, ct);
        metrics.Completed(job);
        ServerTracing.RecordReport("job complete", job, started);
        return TypedResults.Ok(job);
    }

    /// <summary>
    /// Completes a leased batch in one request and one store commit; each completion is fenced and refused on its
    /// own, its refusal answered as the problem a single complete would have returned.
    /// </summary>
    private static async Task<Ok<CompleteLeasesResponse>> CompleteMany(
        CompleteLeasesRequest request, IJobStore store, RenderQueueMetrics metrics, CancellationToken ct)
    {
        var completions = request.Completions ?? [];
        if (completions.Count is < 1 or > MaxJobsPerLease)
            throw RequestValidationException.For("completions", FormattableString.Invariant($"completions holds 1 to {MaxJobsPerLease} jobs."));
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < completions.Count; i++)
        {
            if (string.IsNullOrEmpty(completions[i].JobId)) errors[FormattableString.Invariant($"completions[{i}].job_id")] = ["job_id is required."];
            if (completions[i].Attempt < 1) errors[FormattableString.Invariant($"completions[{i}].attempt")] = ["attempt is required: the attempt number the lease was granted with (1 or more)."];
        }
        RequestValidationException.ThrowIfAny(errors);

        var started = DateTimeOffset.UtcNow;
        var results = await store.CompleteManyAsync(
            [.. completions.Select(c => new CompletionRequest(new LeaseToken(c.JobId!, c.Attempt), c.Result))], ct); // an id that is no job's is refused on its own
        return TypedResults.Ok(new CompleteLeasesResponse([.. results.Select(r => Outcome(r, metrics, started))]));
    }

    private static LeaseCompletionOutcome Outcome(CompletionResult result, RenderQueueMetrics metrics, DateTimeOffset started)
    {
        var (jobId, attempt) = (result.Lease.JobId, result.Lease.Attempt);
        if (result.Job is { } job)
        {
            metrics.Completed(job);
            ServerTracing.RecordReport("job complete", job, started);
            return new LeaseCompletionOutcome(jobId, attempt, job.State, null);
        }
        var problem = ProblemExceptionHandler.ToProblem(result.Refusal!);
        return new LeaseCompletionOutcome(jobId, attempt, null,
            new LeaseCompletionError(problem.Status ?? 500, problem.Title ?? "", problem.Detail ?? "", problem.Type ?? ""));
    }

    private static async Task<Ok<Job>> Fail(string jobId, FailLeaseRequest request, IJobStore store, RenderQueueMetrics metrics, CancellationToken ct)
    {
        var token = Token(jobId, request.Attempt);
        if (request.Error is not { } error || string.IsNullOrWhiteSpace(error.Message))
            throw RequestValidationException.For("error", "error.message is required: say what went wrong.");
        if (string.IsNullOrEmpty(error.Class) || !SubmitValidation.IsName(error.Class))
            throw RequestValidationException.For("error.class", "error.class is a name such as error, oom, timeout, invalid_input.");
        var started = DateTimeOffset.UtcNow;
        var job = await store.FailAsync(token, new JobFailure(error, request.Retryable), ct);
        metrics.FailureReported(job);
        ServerTracing.RecordReport("job fail", job, started);
        return TypedResults.Ok(job);
    }

    /// <summary>The fencing token of a worker call; attempts start at 1.</summary>
    internal static LeaseToken Token(string jobId, int attempt)
    {
        JobIds.Require(jobId);
        if (attempt < 1) throw RequestValidationException.For("attempt", "attempt is required: the attempt number the lease was granted with (1 or more).");
        return new LeaseToken(jobId, attempt);
    }
}
