namespace RenderQueue.Bench.Harness;

/// <summary>
/// How the bench configures the server beyond the store: everything else is the shipped default (appsettings.json),
/// so the figures are those of a server as deployed.
/// </summary>
internal static class ServerSettings
{
    /// <summary>A per-caller rate far above anything two cores can serve, so the limiter never refuses the bench.</summary>
    private const string Unlimited = "1000000";

    public static IReadOnlyDictionary<string, string> ForBenchmarks { get; } = new Dictionary<string, string>
    {
        // The bench creates hundreds of thousands of jobs per run; keep the console quiet except for problems.
        ["RENDERQUEUE__Logging__LogLevel__Default"] = "Warning",
        ["RENDERQUEUE__Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        // Every simulated worker and submitter is one caller to the server (keyless, from 127.0.0.1), so the default
        // per-caller limits (1,000 worker requests/s, 200 others) would cap the whole bench at what one real worker
        // may send: the throughput run then stalls on 429s. The limiter itself stays on, so its cost is measured.
        ["RENDERQUEUE__RateLimits__RequestsPerSecond"] = Unlimited,
        ["RENDERQUEUE__RateLimits__Burst"] = Unlimited,
        ["RENDERQUEUE__RateLimits__WorkerRequestsPerSecond"] = Unlimited,
        ["RENDERQUEUE__RateLimits__WorkerBurst"] = Unlimited,
    };
}
