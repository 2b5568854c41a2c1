using Microsoft.AspNetCore.Http.HttpResults;
using RenderQueue.Core.Api;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Api;

/// <summary>Queues: their counts, and pausing (jobs are still accepted, none is leased) and resuming.</summary>
internal static class QueuesApi
{
    public static RouteGroupBuilder MapQueues(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/queues").WithTags("Queues");
        group.MapGet("/", async (IJobStore store, CancellationToken ct) =>
            TypedResults.Ok(new ItemsResponse<QueueInfo>(await store.ListQueuesAsync(ct)))).RequireKey(Policies.Submit);
        group.MapPost("/{name}/pause", (string name, IJobStore store, CancellationToken ct) => SetPausedAsync(name, true, store, ct))
            .RequireKey(Policies.Admin).Problems(400);
        group.MapPost("/{name}/resume", (string name, IJobStore store, CancellationToken ct) => SetPausedAsync(name, false, store, ct))
            .RequireKey(Policies.Admin).Problems(400);
        return group;
    }

    private static async Task<Ok<QueueInfo>> SetPausedAsync(string name, bool paused, IJobStore store, CancellationToken ct)
    {
        if (!SubmitValidation.IsName(name))
            throw RequestValidationException.For("name", $"'{name}' is not a queue name: 1–64 letters, digits or _ . : = -.");
        return TypedResults.Ok(await store.SetQueuePausedAsync(name, paused, ct));
    }
}
