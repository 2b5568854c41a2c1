namespace RenderQueue.Bench.Harness;

/// <summary>
/// How the bench configures the server beyond the store: everything else is the shipped default (appsettings.json),
/// so the figures are those of a server as deployed. The one exception is the per-caller rate limit: every simulated
/// worker and client of the bench is one caller (one loopback address, no key), where a fleet is many, so the bench
/// raises it out of the way rather than measuring the limiter.
/// </summary>
internal static class ServerSettings
{
    public static IReadOnlyDictionary<string, string> ForBenchmarks { get; } = new Dictionary<string, string>
    {
        // The bench creates hundreds of thousands of jobs per run; keep the console quiet except for problems.
        ["RENDERQUEUE__Logging__LogLevel__Default"] = "Warning",
        ["RENDERQUEUE__Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        ["RENDERQUEUE__RateLimits__RequestsPerSecond"] = "1000000",
        ["RENDERQUEUE__RateLimits__Burst"] = "1000000",
        ["RENDERQUEUE__RateLimits__WorkerRequestsPerSecond"] = "1000000",
        ["RENDERQUEUE__RateLimits__WorkerBurst"] = "1000000",
    };
}
