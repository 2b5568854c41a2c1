using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Webhooks;
using RenderQueue.Core.Workers;

namespace RenderQueue.Server.Errors;

/// <summary>
/// Turns every exception that escapes an endpoint into an <c>application/problem+json</c> answer that says what
/// was wrong: store refusals (404/409), unreadable or oversized requests (400/413/415), a store that does not answer
/// (503, with Retry-After), and anything else (500).
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            Log.RequestAborted(logger, context.Request.Path);
            return true; // nobody is listening for an answer
        }

        var problem = ToProblem(exception);
        if (exception is StoreUnavailableException)
        {
            Log.StoreUnavailable(logger, context.Request.Method, context.Request.Path, exception.Message);
            context.Response.Headers.RetryAfter = "1";
        }
        else if (problem.Status >= 500)
        {
            Log.UnhandledException(logger, exception, context.Request.Method, context.Request.Path);
        }
        context.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    internal static ProblemDetails ToProblem(Exception exception) => exception switch
    {
        JobNotFoundException e => Problem(404, "Job not found", e.Message, ProblemTypes.JobNotFound),
        WorkerNotFoundException e => Problem(404, "Worker not found",
            $"{e.Message} Register it again with POST /api/v1/workers/register.", ProblemTypes.WorkerNotFound),
        ApiKeyNotFoundException e => Problem(404, "API key not found", e.Message, ProblemTypes.KeyNotFound),
        WebhookSubscriptionNotFoundException e => Problem(404, "Webhook not found", e.Message, ProblemTypes.WebhookNotFound),
        LeaseConflictException e => Problem(409, "Lease conflict", e.Message, ProblemTypes.LeaseConflict),
        JobStateConflictException e => Problem(409, "Job state conflict", e.Message, ProblemTypes.StateConflict),
        InvalidCursorException e => Problem(400, "Invalid cursor", e.Message, ProblemTypes.InvalidRequest),
        StoreUnavailableException e => Problem(503, "Store unavailable",
            $"{e.Message} The request may or may not have been applied; retry it (a submit with the same Idempotency-Key is stored once).",
            ProblemTypes.StoreUnavailable),
        RequestValidationException e => new HttpValidationProblemDetails(e.Errors)
        {
            Status = 400, Title = "Invalid request", Detail = e.Message, Type = ProblemTypes.Validation,
        },
        RequestBodyTooLargeException e => Problem(413, "Request body too large", e.Message, ProblemTypes.TooLarge),
        BadHttpRequestException { InnerException: JsonException json } => InvalidJson(json),
        BadHttpRequestException e => FromBadRequest(e),
        JsonException e => InvalidJson(e),
        _ => Problem(500, "Internal server error", "The server failed to handle the request; the error is in its log.", ProblemTypes.ServerError),
    };

    private static ProblemDetails FromBadRequest(BadHttpRequestException e) => e.StatusCode switch
    {
        413 => Problem(413, "Request body too large", e.Message, ProblemTypes.TooLarge),
        415 => Problem(415, "Unsupported media type", $"{e.Message} Send Content-Type: application/json.", ProblemTypes.UnsupportedMediaType),
        _ => Problem(e.StatusCode, "Bad request", e.Message, ProblemTypes.InvalidRequest),
    };

    /// <summary>Malformed JSON, a wrong type or an unknown field: name the JSON path and what was wrong.</summary>
    private static ProblemDetails InvalidJson(JsonException e)
    {
        var field = JsonPaths.ToField(e.Path);
        var message = JsonPaths.Describe(e);
        var problem = Problem(400, "Invalid JSON", message, ProblemTypes.InvalidRequest);
        problem.Extensions["path"] = e.Path;
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        return problem;
    }

    private static ProblemDetails Problem(int status, string title, string detail, string type) =>
        new() { Status = status, Title = title, Detail = detail, Type = type };
}
