using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Errors;
using RenderQueue.Server.Metrics;
using RenderQueue.Server.Tracing;
using RenderQueue.Server.Webhooks;

namespace RenderQueue.Server.Api;

/// <summary>Clients' side of jobs: submit, read, list, and the actions people take on a job.</summary>
internal static class JobsApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapJobs(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/jobs").WithTags("Jobs").RequireKey(Policies.Submit);
        group.MapPost("/", Submit).JsonBody();
        group.MapPost("/batch", SubmitBatch).JsonBody();
        group.MapGet("/", List).Problems(400);
        group.MapGet("/{id}", Get).Problems(404);
        group.MapPatch("/{id}", Patch).JsonBody().Problems(404, 409);
        group.MapPost("/{id}/cancel", Cancel).JsonBody().Problems(404, 409);
        group.MapPost("/{id}/retry", async (string id, IJobStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.RetryAsync(JobIds.Require(id), ct))).Problems(404, 409);
        group.MapPost("/{id}/flag", Flag).JsonBody().Problems(404, 409);
        group.MapPost("/{id}/collected", async (string id, IJobStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.MarkCollectedAsync(JobIds.Require(id), ct))).Problems(404, 409);
        return group;
    }

    private static async Task<Results<Created<Job>, Ok<Job>>> Submit(
        SubmitJobRequest request,
        [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        IJobStore store, RenderQueueMetrics metrics, TimeProvider time, WebhookTargetGuard guard, IOptions<WebhookOptions> webhooks, CancellationToken ct)
    {
        var errors = SubmitValidation.Validate(request);
        CheckWebhook(request, "", guard, webhooks.Value, errors);
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > SubmitValidation.MaxKeyLength))
            errors[IdempotencyHeader] = [$"An idempotency key has 1–{SubmitValidation.MaxKeyLength} characters."];
        else if (idempotencyKey is not null && request.IdempotencyKey is not null && !string.Equals(idempotencyKey, request.IdempotencyKey, StringComparison.Ordinal))
            errors["idempotency_key"] = [$"The {IdempotencyHeader} header and the idempotency_key field differ."];
        RequestValidationException.ThrowIfAny(errors);

        var newJob = ServerTracing.WithSubmitContext(SubmitValidation.ToNewJob(request, JobId.New(time), idempotencyKey));
        var results = await store.EnqueueAsync([newJob], ct);
        metrics.Submitted(results);
        var result = results[0];
        return result.Created
            ? TypedResults.Created($"/api/v1/jobs/{result.Job.Id}", result.Job)
            : TypedResults.Ok(result.Job);
    }

    private static async Task<Created<SubmitBatchResponse>> SubmitBatch(
        SubmitBatchRequest request, IJobStore store, RenderQueueMetrics metrics, TimeProvider time, IOptions<LimitsOptions> limits,
        WebhookTargetGuard guard, IOptions<WebhookOptions> webhooks, CancellationToken ct)
    {
        var max = limits.Value.MaxBatchSize;
        if (request.Jobs is not { Count: > 0 } jobs || jobs.Count > max)
            throw RequestValidationException.For("jobs", FormattableString.Invariant($"A batch holds 1–{max} jobs; this one has {request.Jobs?.Count ?? 0}."));

        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < jobs.Count; i++)
        {
            if (jobs[i] is null) errors[FormattableString.Invariant($"jobs[{i}]")] = ["A job is required."];
            else
            {
                var prefix = FormattableString.Invariant($"jobs[{i}].");
                foreach (var (key, value) in SubmitValidation.Validate(jobs[i], prefix)) errors[key] = value;
                CheckWebhook(jobs[i], prefix, guard, webhooks.Value, errors);
            }
        }
        RequestValidationException.ThrowIfAny(errors);

        var results = await store.EnqueueAsync([.. jobs.Select(j => ServerTracing.WithSubmitContext(SubmitValidation.ToNewJob(j, JobId.New(time))))], ct);
        metrics.Submitted(results);
        return TypedResults.Created("/api/v1/jobs", new SubmitBatchResponse([.. results.Select(r => r.Job)]));
    }

    private static async Task<Ok<Job>> Get(string id, IJobStore store, CancellationToken ct)
    {
        var job = await store.GetAsync(JobIds.Require(id), ct) ?? throw new JobNotFoundException(id);
        return TypedResults.Ok((await WithPositionsAsync([job], store, ct))[0]);
    }

    private static async Task<Ok<JobPage>> List(
        string? state, string? queue, string? type, int? limit, string? cursor, IJobStore store, CancellationToken ct)
    {
        var query = JobListQuery.Parse(state, queue, type, limit, cursor);
        var page = await store.ListAsync(query, ct);
        return TypedResults.Ok(page with { Items = await WithPositionsAsync(page.Items, store, ct) });
    }

    private static async Task<Ok<Job>> Patch(string id, PatchJobRequest request, IJobStore store, CancellationToken ct)
    {
        JobIds.Require(id);
        if (request.Priority is not { } priority)
            throw RequestValidationException.For("priority", "priority is required: the only field a job can change.");
        if (priority is < -SubmitValidation.MaxPriority or > SubmitValidation.MaxPriority)
            throw RequestValidationException.For("priority", $"Priority must be between {-SubmitValidation.MaxPriority} and {SubmitValidation.MaxPriority}.");
        return TypedResults.Ok(await store.SetPriorityAsync(id, priority, ct));
    }

    private static async Task<Ok<Job>> Cancel(
        string id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] CancelJobRequest? request,
        IJobStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.CancelAsync(JobIds.Require(id), request?.Reason, ct));

    private static async Task<Ok<Job>> Flag(string id, FlagJobRequest request, IJobStore store, CancellationToken ct)
    {
        JobIds.Require(id);
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 2_000)
            throw RequestValidationException.For("reason", "Say why the output must be rendered again (1–2,000 characters).");
        return TypedResults.Ok(await store.FlagAsync(id, request.Reason, ct));
    }

    /// <summary>A job's own webhook is signed with the server's job secret and must pass the SSRF guard.</summary>
    private static void CheckWebhook(SubmitJobRequest request, string prefix, WebhookTargetGuard guard, WebhookOptions webhooks, Dictionary<string, string[]> errors)
    {
        if (request.Webhook is not { } url || errors.ContainsKey(prefix + "webhook")) return;
        if (webhooks.JobSecret is null)
            errors[prefix + "webhook"] = ["This server sends no per-job webhooks: it has no Webhooks:JobSecret to sign them with. Ask its admin, or use a webhook subscription."];
        else if (guard.WhyRefused(url) is { } refused)
            errors[prefix + "webhook"] = [refused];
    }

    /// <summary>Queued jobs show where they stand and when they should start (one store call for a page).</summary>
    internal static async Task<IReadOnlyList<Job>> WithPositionsAsync(IReadOnlyList<Job> jobs, IJobStore store, CancellationToken ct)
    {
        var queued = jobs.Where(j => j.State == JobState.Queued).Select(j => j.Id).ToList();
        if (queued.Count == 0) return jobs;
        var positions = await store.GetPositionsAsync(queued, ct);
        return [.. jobs.Select(j => positions.TryGetValue(j.Id, out var p) ? j with { Position = p.Position, Eta = p.Eta } : j)];
    }
}
