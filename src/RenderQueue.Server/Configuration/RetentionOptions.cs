namespace RenderQueue.Server.Configuration;

/// <summary>How long finished jobs and history are kept (configuration section <c>Retention</c>).</summary>
public sealed class RetentionOptions : IValidatedOptions
{
    public const string Section = "Retention";

    /// <summary>Finished jobs (and their artifacts) are deleted this long after they finished. Default 7 days.</summary>
    public TimeSpan FinishedJobs { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Change-feed events, activity minutes and silent workers are forgotten after this. Default 7 days.</summary>
    public TimeSpan History { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the cleaner runs. Default 10 min.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:FinishedJobs", FinishedJobs, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650))
            .Concat(ValidatedOptions.Range($"{section}:History", History, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650)))
            .Concat(ValidatedOptions.Range($"{section}:Interval", Interval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)));
}
