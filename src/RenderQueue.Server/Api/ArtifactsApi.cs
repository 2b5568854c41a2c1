using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Artifacts;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Api;

/// <summary>Output files: workers upload them under their lease; clients list and download them.</summary>
internal static class ArtifactsApi
{
    public static IEndpointRouteBuilder MapArtifacts(this IEndpointRouteBuilder routes)
    {
        var jobs = routes.MapGroup("/api/v1/jobs/{id}/artifacts").WithTags("Artifacts").RequireKey(Policies.Submit).Problems(404);
        jobs.MapGet("/", List);
        jobs.MapGet("/{**name}", Download).Problems(400);

        routes.MapPut("/api/v1/leases/{jobId}/artifacts/{**name}", Upload)
            .WithTags("Leases")
            .RequireKey(Policies.Worker)
            .Problems(400, 404, 409, 413)
            .WithMetadata(new ArtifactUploadBody()); // any content type: it is kept as the artifact's
        return routes;
    }

    private static async Task<Ok<ItemsResponse<ArtifactInfo>>> List(string id, IJobStore store, CancellationToken ct)
    {
        var job = await store.GetAsync(JobIds.Require(id), ct) ?? throw new JobNotFoundException(id);
        return TypedResults.Ok(new ItemsResponse<ArtifactInfo>(job.Artifacts));
    }

    /// <summary>
    /// Outputs come from workers and are served from the dashboard's origin: a sandboxing policy keeps an HTML or SVG
    /// file opened in a tab from running script there, and nosniff keeps a browser from guessing a type to run.
    /// </summary>
    internal const string ArtifactContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'";

    private static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Download(
        string id, string name, IJobStore store, ArtifactStorage files, HttpResponse response, CancellationToken ct)
    {
        response.Headers.ContentSecurityPolicy = ArtifactContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        name = RequireName(name);
        var job = await store.GetAsync(JobIds.Require(id), ct) ?? throw new JobNotFoundException(id);
        var artifact = job.Artifacts.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));
        var path = files.PathOf(job.Id, name);
        if (artifact is null || !File.Exists(path))
            return TypedResults.Problem($"Job '{job.Id}' has no artifact named '{name}'.", statusCode: 404, title: "Artifact not found", type: ProblemTypes.ArtifactNotFound);
        return TypedResults.PhysicalFile(path, artifact.ContentType, lastModified: artifact.CreatedAt, enableRangeProcessing: true);
    }

    private static async Task<Created<ArtifactInfo>> Upload(
        string jobId, string name, int? attempt, HttpRequest request, IJobStore store, ArtifactStorage files,
        IOptions<LimitsOptions> limits, TimeProvider time, CancellationToken ct)
    {
        name = RequireName(name);
        var token = LeasesApi.Token(jobId, attempt ?? 0);

        // Refuse a stale attempt before taking in what may be a gigabyte; the store checks again when recording.
        var job = await store.GetAsync(jobId, ct) ?? throw new JobNotFoundException(jobId);
        if (job.State != JobState.Running || job.Attempt != token.Attempt) throw new LeaseConflictException(token, job.State, job.Attempt);

        var pending = await files.ReceiveAsync(jobId, name, request.Body, limits.Value.MaxArtifactBytes, ct);
        var artifact = new ArtifactInfo(name, pending.Size, ArtifactStorage.ContentTypeOf(name, request.ContentType), time.GetUtcNow());
        try
        {
            await store.AddArtifactAsync(token, artifact, ct);
        }
        catch
        {
            files.Discard(pending);
            throw;
        }
        ArtifactStorage.Commit(pending);
        return TypedResults.Created($"/api/v1/jobs/{jobId}/artifacts/{Uri.EscapeDataString(name)}", artifact);
    }

    /// <summary>
    /// Kestrel decodes a path except <c>%2F</c>, so an encoded slash reaches the route value as text: decode it here
    /// so that <c>a%2Fb</c> is judged as <c>a/b</c> (and refused) rather than stored under a misleading name.
    /// </summary>
    private static string RequireName(string name)
    {
        var decoded = name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase).Replace("%5C", "\\", StringComparison.OrdinalIgnoreCase);
        if (!ArtifactNames.IsValid(decoded))
            throw RequestValidationException.For("name", $"'{decoded}' is not a valid artifact name: one file name of at most {ArtifactNames.MaxLength} printable characters, no path separators, not starting or ending with a dot.");
        return decoded;
    }
}
