namespace RenderQueue.Server.Configuration;

/// <summary>The scheduler that moves due jobs to their queue (configuration section <c>Scheduler</c>).</summary>
public sealed class SchedulerOptions : IValidatedOptions
{
    public const string Section = "Scheduler";

    /// <summary>The longest the scheduler sleeps without looking, even when nothing is due. Default 30 s.</summary>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a job whose models are warm on a healthy worker is offered only to warm slots before a cold
    /// one may take it, counted from when it became ready. Zero turns warm-model affinity off (pure priority and FIFO
    /// order). Default 3 s.</summary>
    public TimeSpan AffinityWait { get; set; } = TimeSpan.FromSeconds(3);

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:MaxInterval", MaxInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1))
            .Concat(ValidatedOptions.Range($"{section}:AffinityWait", AffinityWait, TimeSpan.Zero, TimeSpan.FromMinutes(10)));
}
