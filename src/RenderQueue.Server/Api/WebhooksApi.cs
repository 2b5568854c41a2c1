using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Webhooks;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Errors;
using RenderQueue.Server.Webhooks;

namespace RenderQueue.Server.Api;

/// <summary>Webhook subscriptions (admins), and the deliveries of a job's events (with its attempts).</summary>
internal static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireKey(Policies.Admin);
        group.MapPost("/", Create).JsonBody();
        group.MapGet("/", async (IJobStore store, CancellationToken ct) =>
            TypedResults.Ok(new ItemsResponse<WebhookInfo>([.. (await store.ListWebhookSubscriptionsAsync(ct)).Select(WebhookInfo.From)])));
        group.MapGet("/{id}", async (string id, IJobStore store, CancellationToken ct) =>
            TypedResults.Ok(WebhookInfo.From(await store.GetWebhookSubscriptionAsync(id, ct) ?? throw new WebhookSubscriptionNotFoundException(id))))
            .Problems(404);
        group.MapDelete("/{id}", async (string id, IJobStore store, CancellationToken ct) =>
            await store.DeleteWebhookSubscriptionAsync(id, ct) ? TypedResults.NoContent() : throw new WebhookSubscriptionNotFoundException(id))
            .Problems(404);

        routes.MapGet("/api/v1/jobs/{id}/webhooks", JobDeliveries).WithTags("Jobs").RequireKey(Policies.Submit).Problems(404);
        return routes;
    }

    private static async Task<Created<CreatedWebhook>> Create(
        CreateWebhookRequest request, IJobStore store, WebhookTargetGuard guard, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Url is null) errors["url"] = ["url is required: where the events are POSTed."];
        else if (guard.WhyRefused(request.Url) is { } refused) errors["url"] = [refused];
        if (request.Queue is not null && !SubmitValidation.IsName(request.Queue)) errors["queue"] = ["queue is a queue name (1–64 letters, digits or _ . : = -), or absent for every queue."];
        var events = request.Events ?? WebhookEvents.Terminal;
        if (events.Count == 0 || events.Any(e => e is null || !WebhookEvents.IsWebhookEvent(e)))
            errors["events"] = [$"events lists some of: {string.Join(", ", WebhookEvents.All)}."];
        if (request.Description is { Length: > 200 }) errors["description"] = ["description has at most 200 characters."];
        RequestValidationException.ThrowIfAny(errors);

        var subscription = await store.CreateWebhookSubscriptionAsync(new WebhookSubscription
        {
            Id = "wh_" + JobId.New(time),
            Url = request.Url!,
            Queue = request.Queue,
            Events = [.. events.Distinct(StringComparer.Ordinal)],
            Secret = WebhookSecret.New(),
            Description = request.Description,
        }, ct);
        return TypedResults.Created($"/api/v1/webhooks/{subscription.Id}", new CreatedWebhook(
            subscription.Id, subscription.Url, subscription.Queue, subscription.Events, subscription.Description, subscription.CreatedAt, subscription.Secret));
    }

    /// <summary>Admins see every delivery; other callers only those to the job's own webhook (subscription URLs are
    /// the admins' and may carry tokens).</summary>
    private static async Task<Ok<ItemsResponse<WebhookDelivery>>> JobDeliveries(string id, ClaimsPrincipal user, IJobStore store, CancellationToken ct)
    {
        _ = await store.GetAsync(JobIds.Require(id), ct) ?? throw new JobNotFoundException(id);
        var deliveries = await store.ListJobWebhookDeliveriesAsync(id, ct);
        return TypedResults.Ok(new ItemsResponse<WebhookDelivery>(user.IsAdmin() ? deliveries : [.. deliveries.Where(d => d.SubscriptionId is null)]));
    }
}
