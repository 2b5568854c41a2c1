namespace RenderQueue.Server.Configuration;

/// <summary>
/// Requests per caller (configuration section <c>RateLimits</c>): per API key, or per client address for requests
/// without a valid key. Worker traffic (leases, renewals, heartbeats, uploads) has its own, larger bucket per key,
/// so a client flooding submits with the same key cannot starve its workers' renewals.
/// </summary>
public sealed class RateLimitOptions : IValidatedOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sustained requests per second per caller. Default 200.</summary>
    public int RequestsPerSecond { get; set; } = 200;

    /// <summary>Requests a caller may make at once above the sustained rate. Default 400.</summary>
    public int Burst { get; set; } = 400;

    /// <summary>Sustained worker-API requests per second per key. Default 1,000.</summary>
    public int WorkerRequestsPerSecond { get; set; } = 1_000;

    /// <summary>Worker-API burst per key. Default 2,000.</summary>
    public int WorkerBurst { get; set; } = 2_000;

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:RequestsPerSecond", RequestsPerSecond, 1, 1_000_000)
            .Concat(ValidatedOptions.Range($"{section}:Burst", Burst, 1, 10_000_000))
            .Concat(ValidatedOptions.Range($"{section}:WorkerRequestsPerSecond", WorkerRequestsPerSecond, 1, 1_000_000))
            .Concat(ValidatedOptions.Range($"{section}:WorkerBurst", WorkerBurst, 1, 10_000_000));
}
