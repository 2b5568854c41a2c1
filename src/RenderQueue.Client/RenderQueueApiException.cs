using System.Net;

namespace RenderQueue.Client;

/// <summary>The server refused a request; <see cref="Problem"/> says why.</summary>
public class RenderQueueApiException : Exception
{
    /// <summary>Creates the exception for a refused request.</summary>
    public RenderQueueApiException(HttpStatusCode statusCode, ApiProblem problem)
        : base(MessageOf(statusCode, problem))
    {
        StatusCode = statusCode;
        Problem = problem;
    }

    /// <summary>The HTTP status code of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem details the server sent (or a stand-in built from the status when it sent none).</summary>
    public ApiProblem Problem { get; }

    /// <summary>Field errors of a 400; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string[]> Errors => Problem.Errors ?? new Dictionary<string, string[]>();

    private static string MessageOf(HttpStatusCode status, ApiProblem problem)
    {
        var text = $"{(int)status} {problem.Title ?? status.ToString()}";
        if (!string.IsNullOrEmpty(problem.Detail)) text += $": {problem.Detail}";
        return text;
    }
}

/// <summary>
/// A 409 on a lease call (renew, complete, fail, release, artifact upload): this attempt no longer holds the job.
/// The worker must stop working on it at once; nothing was changed.
/// </summary>
public sealed class LeaseLostException(HttpStatusCode statusCode, ApiProblem problem)
    : RenderQueueApiException(statusCode, problem);
