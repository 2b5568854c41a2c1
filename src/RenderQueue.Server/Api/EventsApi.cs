using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Errors;
using RenderQueue.Server.Events;

namespace RenderQueue.Server.Api;

/// <summary><c>GET /api/v1/events</c>: the live change feed over a WebSocket, filtered by job or queue.</summary>
internal static class EventsApi
{
    public static IEndpointConventionBuilder MapEvents(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/v1/events", Connect).WithTags("Events").RequireKey(Policies.Submit).Problems(400);

    private static async Task<IResult> Connect(
        HttpContext http, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "job_id")] string? jobId, string? queue, long? after, EventSocketSession session, IHostApplicationLifetime lifetime)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem("GET /api/v1/events is a WebSocket: connect with an Upgrade: websocket request.",
                statusCode: 400, title: "WebSocket upgrade required", type: ProblemTypes.InvalidRequest);
        }
        var errors = new Dictionary<string, string[]>();
        if (jobId is not null && !JobId.IsValid(jobId)) errors["job_id"] = [$"'{jobId}' is not a job id."];
        if (queue is not null && !SubmitValidation.IsName(queue)) errors["queue"] = [$"'{queue}' is not a queue name."];
        if (after is < 0) errors["after"] = ["after is an event sequence number (0 or more)."];
        RequestValidationException.ThrowIfAny(errors);

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping, http.RequestAborted);
        await session.RunAsync(socket, new EventFilter(jobId, queue), after, stopping.Token);
        return TypedResults.Empty;
    }
}
