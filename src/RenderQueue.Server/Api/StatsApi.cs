using Microsoft.AspNetCore.Http.HttpResults;
using RenderQueue.Core.Api;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Api;

/// <summary>The numbers behind the dashboard: counts from the store's counters, and per-minute activity.</summary>
internal static class StatsApi
{
    private static readonly TimeSpan ThroughputWindow = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan WaitWindow = TimeSpan.FromHours(1);

    public static RouteGroupBuilder MapStats(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/stats").WithTags("Stats").RequireKey(Policies.Submit);
        group.MapGet("/", Stats);
        group.MapGet("/activity", Activity).Problems(400);
        return group;
    }

    private static async Task<Ok<StatsResponse>> Stats(IJobStore store, TimeProvider time, CancellationToken ct)
    {
        var stats = await store.GetStatsAsync(ct);
        var now = time.GetUtcNow();
        var hour = await store.GetActivityAsync(now - WaitWindow, ct);
        var recent = hour.Where(m => m.Minute >= now - ThroughputWindow).ToList();
        var minutes = ThroughputWindow.TotalMinutes;
        var throughput = new Throughput(
            recent.Sum(m => m.Submitted) / minutes, recent.Sum(m => m.Succeeded) / minutes, recent.Sum(m => m.Failed) / minutes);
        return TypedResults.Ok(new StatsResponse(stats.Counts, stats.Queues, stats.WorkersOnline, throughput, WaitTimesOf(hour)));
    }

    private static async Task<Ok<ActivityResponse>> Activity(int? minutes, IJobStore store, TimeProvider time, CancellationToken ct)
    {
        if (minutes is < 1 or > 1_440) throw RequestValidationException.For("minutes", "minutes must be between 1 and 1440.");
        var since = time.GetUtcNow() - TimeSpan.FromMinutes(minutes ?? 60);
        return TypedResults.Ok(new ActivityResponse(WaitHistogram.UpperBoundsMs, await store.GetActivityAsync(since, ct)));
    }

    private static WaitTimes WaitTimesOf(IReadOnlyList<ActivityMinute> minutes)
    {
        var buckets = new long[WaitHistogram.BucketCount];
        foreach (var minute in minutes)
        {
            for (var i = 0; i < Math.Min(buckets.Length, minute.WaitBuckets.Count); i++) buckets[i] += minute.WaitBuckets[i];
        }
        return new WaitTimes(
            WaitHistogram.Quantile(buckets, 0.5) / 1000.0,
            WaitHistogram.Quantile(buckets, 0.95) / 1000.0,
            buckets.Sum());
    }
}
