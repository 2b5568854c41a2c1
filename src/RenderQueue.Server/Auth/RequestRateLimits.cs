using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Auth;

/// <summary>
/// The framework's rate limiter as one global token bucket per caller: the API key when there is one (after
/// authentication), else the client address. Worker routes count in a bucket of their own. A refused request is a
/// 429 problem with <c>Retry-After</c>.
/// </summary>
internal static class RequestRateLimits
{
    public static IServiceCollection AddRequestRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, limits) =>
        {
            var settings = limits.Value;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var worker = IsWorkerRoute(context);
                return RateLimitPartition.GetTokenBucketLimiter((worker ? "worker|" : "client|") + Caller(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = worker ? settings.WorkerBurst : settings.Burst,
                    TokensPerPeriod = worker ? settings.WorkerRequestsPerSecond : settings.RequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    private static string Caller(HttpContext context) =>
        context.User.KeyId() is { } keyId ? "key:" + keyId
        : context.User.Identity?.IsAuthenticated == true ? "user:" + context.User.Identity.Name
        : "ip:" + context.Connection.RemoteIpAddress;

    private static bool IsWorkerRoute(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == Policies.Worker) == true;

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = FormattableString.Invariant($"This caller is over its request rate; try again in {seconds} s (RateLimits in the server's configuration)."),
                Type = ProblemTypes.TooManyRequests,
            },
        });
    }
}
