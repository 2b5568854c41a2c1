using RenderQueue.Server.Auth;

namespace RenderQueue.Server.Api;

/// <summary>
/// Declares, for the OpenAPI document, the <c>application/problem+json</c> answers an endpoint can give besides its
/// success. What every key-protected route shares comes with <see cref="RequireKey"/>; each endpoint adds what its
/// own input and store calls are refused with, so clients generated from the document know every answer.
/// </summary>
internal static class ProblemResponses
{
    /// <summary>
    /// Requires a key that passes <paramref name="policy"/>: 401 without a good key, 403 with a key of another role
    /// (or a dashboard session's change without its CSRF token), 429 over the caller's rate, 503 when the store that
    /// holds the keys and everything else does not answer.
    /// </summary>
    public static TBuilder RequireKey<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireAuthorization(policy);
        return policy == Policies.AnyKey ? builder.Problems(401, 429, 503) : builder.Problems(401, 403, 429, 503);
    }

    /// <summary>A JSON body: 400 unreadable or invalid, 413 over the size limit, 415 not JSON.</summary>
    public static RouteHandlerBuilder JsonBody(this RouteHandlerBuilder builder) => builder.Problems(400, 413, 415);

    public static TBuilder Problems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses) builder.ProducesProblem(status);
        return builder;
    }
}
