namespace RenderQueue.Server.Configuration;

/// <summary>The scheduler that moves due jobs to their queue (configuration section <c>Scheduler</c>).</summary>
public sealed class SchedulerOptions : IValidatedOptions
{
    public const string Section = "Scheduler";

    /// <summary>The longest the scheduler sleeps without looking, even when nothing is due. Default 30 s.</summary>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:MaxInterval", MaxInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
}
