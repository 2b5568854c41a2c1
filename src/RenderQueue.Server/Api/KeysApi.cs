using Microsoft.AspNetCore.Http.HttpResults;
using RenderQueue.Core.Api;
using RenderQueue.Core.Keys;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Api;

/// <summary>API keys, for admins: create (the key is shown once), list, revoke.</summary>
internal static class KeysApi
{
    public static RouteGroupBuilder MapKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/keys").WithTags("Keys").RequireKey(Policies.Admin);
        group.MapGet("/", async (ApiKeyDirectory keys, CancellationToken ct) =>
            TypedResults.Ok(new ItemsResponse<ApiKeyInfo>([.. (await keys.ListAsync(ct)).Select(ApiKeyInfo.From)])));
        group.MapPost("/", Create).JsonBody();
        group.MapPost("/{id}/revoke", async (string id, ApiKeyDirectory keys, CancellationToken ct) =>
            TypedResults.Ok(ApiKeyInfo.From(await keys.RevokeAsync(ApiKeyText.IsId(id) ? id : throw new ApiKeyNotFoundException(id), ct))))
            .Problems(404);
        return group;
    }

    private static async Task<Created<CreatedApiKey>> Create(CreateApiKeyRequest request, ApiKeyDirectory keys, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!SubmitValidation.IsName(request.Name)) errors["name"] = ["name says who holds the key: 1–64 letters, digits or _ . : = - (e.g. gpu-box-1)."];
        if (request.Role is null) errors["role"] = ["role is required: submit, worker or admin."];
        RequestValidationException.ThrowIfAny(errors);

        var (record, key) = await keys.CreateAsync(request.Name!, request.Role!.Value, ct);
        return TypedResults.Created($"/api/v1/keys/{record.Id}", new CreatedApiKey(record.Id, record.Name, record.Role, record.CreatedAt, key));
    }
}
