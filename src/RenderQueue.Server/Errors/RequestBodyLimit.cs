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
        var chunked = context.Request.ContentLength is null && context.Request.Body.CanRead;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            // A declared length was checked above. A chunked body is counted by our stream, which must be the one
            // to refuse it (with a problem body): Kestrel counts bytes as they arrive, ahead of the reader.
            feature.MaxRequestBodySize = chunked ? null : limit;
        }
        if (chunked) context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        await next(context);
    });
}
