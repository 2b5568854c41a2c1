namespace RenderQueue.Bench.Harness;

/// <summary>
/// How the bench configures the server beyond the store: everything else is the shipped default (appsettings.json),
/// so the figures are those of a server as deployed.
/// </summary>
internal static class ServerSettings
{
    public static IReadOnlyDictionary<string, string> ForBenchmarks { get; } = new Dictionary<string, string>
    {
        // The bench creates hundreds of thousands of jobs per run; keep the console quiet except for problems.
        ["RENDERQUEUE__Logging__LogLevel__Default"] = "Warning",
        ["RENDERQUEUE__Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
    };
}
