using Microsoft.AspNetCore.Http.HttpResults;
using RenderQueue.Core.Api;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Api;

/// <summary>Queues: their counts and settings, pausing (jobs are still accepted, none is leased) and resuming, and
/// changing their settings (weight, max_running).</summary>
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
        group.MapPatch("/{name}", UpdateSettingsAsync).RequireKey(Policies.Admin).JsonBody();
        return group;
    }

    private static async Task<Ok<QueueInfo>> SetPausedAsync(string name, bool paused, IJobStore store, CancellationToken ct)
    {
        CheckName(name);
        return TypedResults.Ok(await store.SetQueuePausedAsync(name, paused, ct));
    }

    /// <summary>Changes the settings given (weight, max_running); a queue with no jobs yet can be configured.</summary>
    private static async Task<Ok<QueueInfo>> UpdateSettingsAsync(string name, PatchQueueRequest request, IJobStore store, CancellationToken ct)
    {
        CheckName(name);
        var change = request.ToChange(out var errors);
        RequestValidationException.ThrowIfAny(errors);
        return TypedResults.Ok(await store.UpdateQueueSettingsAsync(name, change, ct));
    }

    private static void CheckName(string name)
    {
        if (!SubmitValidation.IsName(name))
            throw RequestValidationException.For("name", $"'{name}' is not a queue name: 1–64 letters, digits or _ . : = -.");
    }
}
