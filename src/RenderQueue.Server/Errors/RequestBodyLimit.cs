using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RenderQueue.Server.Configuration;

namespace RenderQueue.Server.Errors;

/// <summary>Marks an endpoint that takes a file rather than JSON: its body is limited by
/// <see cref="LimitsOptions.MaxArtifactBytes"/> instead of <see cref="LimitsOptions.MaxJsonBodyBytes"/>.</summary>
internal sealed class ArtifactUploadBody;

/// <summary>
/// Enforces the body limits with a 413 problem, on Kestrel and in-memory test servers alike: a declared
/// <c>Content-Length</c> over the limit is refused before anything is read, a chunked body once it grows past it.
/// </summary>
internal static class RequestBodyLimit
{
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        var isUpload = context.GetEndpoint()?.Metadata.GetMetadata<ArtifactUploadBody>() is not null;
        var limit = isUpload ? limits.MaxArtifactBytes : limits.MaxJsonBodyBytes;

        if (context.Request.ContentLength > limit) throw new RequestBodyTooLargeException(limit);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit + 1; // ours fires first, with a problem body; Kestrel's is the backstop
        if (context.Request.ContentLength is null && context.Request.Body.CanRead)
            context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        await next(context);
    });
}
