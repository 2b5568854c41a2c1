using Microsoft.Extensions.Diagnostics.HealthChecks;
using RenderQueue.Core.Storage;

namespace RenderQueue.Server.Health;

/// <summary>Ready means the store answers a cheap read.</summary>
internal sealed class StoreHealthCheck(IJobStore store) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var sequence = await store.LastEventSequenceAsync(cancellationToken);
            return HealthCheckResult.Healthy(FormattableString.Invariant($"The store answers (event feed at {sequence})."));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The store does not answer: {e.Message}", e);
        }
    }
}
