namespace RenderQueue.Server.Configuration;

/// <summary>Leases and the long-poll (configuration section <c>Leases</c>).</summary>
public sealed class LeaseOptions : IValidatedOptions
{
    public const string Section = "Leases";

    /// <summary>How long a lease lasts unless renewed. Workers renew every third of it. Default 30 s.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest <c>wait</c> a lease request may ask for. Default 30 s.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the reaper looks for expired leases. Default 1 s.</summary>
    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A parked lease request re-checks the store this often, in case a wake-up was missed. Default 2 s.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Extra time a job with a <c>timeout</c> gets before the server fails it. Default 30 s.</summary>
    public TimeSpan TimeoutGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What workers are told to keep between heartbeats: a third of the lease.</summary>
    public TimeSpan HeartbeatInterval => Duration / 3;

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:Duration", Duration, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24))
            .Concat(ValidatedOptions.Range($"{section}:MaxWait", MaxWait, TimeSpan.Zero, TimeSpan.FromMinutes(10)))
            .Concat(ValidatedOptions.Range($"{section}:ReaperInterval", ReaperInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)))
            .Concat(ValidatedOptions.Range($"{section}:RecheckInterval", RecheckInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)))
            .Concat(ValidatedOptions.Range($"{section}:TimeoutGrace", TimeoutGrace, TimeSpan.Zero, TimeSpan.FromHours(24)));
}
