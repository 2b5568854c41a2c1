namespace RenderQueue.Server.Errors;

/// <summary>Fills in what every problem should say, including those the framework writes for a bare status code.</summary>
internal static class ProblemDefaults
{
    public static void Apply(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var request = context.HttpContext.Request;
        problem.Instance ??= request.Path;
        problem.Detail ??= problem.Status switch
        {
            404 when context.HttpContext.GetEndpoint() is null => $"There is no {request.Method} {request.Path}; see /openapi/v1.json for the API.",
            405 => $"{request.Method} is not allowed on {request.Path}.",
            413 => "The request body is over the size limit.",
            415 => "Send the body as JSON with Content-Type: application/json.",
            _ => null,
        };
    }
}
