using RenderQueue.Server.Configuration;

namespace RenderQueue.Bench.Harness;

/// <summary>
/// What the server built beside the bench can be told. It refuses a setting it does not know at start, so a scenario
/// asks here before passing one that a server may not have yet, and runs without it (saying so) when it is missing.
/// </summary>
internal static class ServerFeatures
{
    /// <summary><c>Scheduler:AffinityWait</c>'s default (warm-model affinity), or null when this server has none. Read
    /// by reflection: the bench must build against a server with or without the setting.</summary>
    public static TimeSpan? DefaultAffinityWait =>
        typeof(SchedulerOptions).GetProperty("AffinityWait")?.GetValue(new SchedulerOptions()) as TimeSpan?;
}
