using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Api;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Dispatch;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Api;

/// <summary>The worker registry: workers register and heartbeat; people list them and ask them to drain.</summary>
internal static class WorkersApi
{
    public static RouteGroupBuilder MapWorkers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/workers").WithTags("Workers");
        group.MapPost("/register", Register).RequireKey(Policies.Worker).JsonBody();
        group.MapPost("/{id}/heartbeat", Heartbeat).RequireKey(Policies.Worker).JsonBody().Problems(404);
        group.MapGet("/", async (IJobStore store, CancellationToken ct) =>
            TypedResults.Ok(new ItemsResponse<WorkerInfo>(await store.ListWorkersAsync(ct)))).RequireKey(Policies.Submit);
        group.MapPost("/{id}/drain", async (string id, IJobStore store, WorkerDirectory workers, CancellationToken ct) =>
            TypedResults.Ok(workers.Remember(await store.RequestDrainAsync(id, ct)))).RequireKey(Policies.Admin).Problems(404);
        return group;
    }

    private static async Task<Ok<RegisterWorkerResponse>> Register(
        WorkerRegistration registration, IJobStore store, WorkerDirectory workers, IOptions<LeaseOptions> options, CancellationToken ct)
    {
        RequestValidationException.ThrowIfAny(WorkerValidation.Validate(registration));
        var worker = workers.Remember(await store.RegisterWorkerAsync(registration, ct));
        return TypedResults.Ok(new RegisterWorkerResponse(worker, options.Value.Duration, options.Value.HeartbeatInterval));
    }

    private static async Task<Ok<HeartbeatResponse>> Heartbeat(
        string id, WorkerHeartbeat heartbeat, IJobStore store, WorkerDirectory workers, CancellationToken ct)
    {
        RequestValidationException.ThrowIfAny(WorkerValidation.Validate(heartbeat));
        try
        {
            var worker = workers.Remember(await store.HeartbeatAsync(id, heartbeat, ct));
            return TypedResults.Ok(new HeartbeatResponse(worker.DrainRequested));
        }
        catch (WorkerNotFoundException)
        {
            workers.Forget(id);
            throw;
        }
    }
}
