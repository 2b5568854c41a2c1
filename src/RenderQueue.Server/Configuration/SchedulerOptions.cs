using RenderQueue.Core.Storage;

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

    /// <summary>Releases a run of a job gets free (a worker giving it back unfinished: its backend died before the job
    /// started, a drain); each release past them is charged an attempt. Default 3. Passed to the store's rules.</summary>
    public int MaxReleases { get; set; } = 3;

    /// <summary>How long a job that ran out of GPU memory waits for an online worker with a larger GPU before it fails
    /// for good with class <c>oom</c>. Default 1 h. Passed to the store's rules.</summary>
    public TimeSpan LargerGpuWait { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:MaxInterval", MaxInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1))
            .Concat(ValidatedOptions.Range($"{section}:AffinityWait", AffinityWait, TimeSpan.Zero, TimeSpan.FromMinutes(10)))
            .Concat(ValidatedOptions.Range($"{section}:MaxReleases", MaxReleases, 0, 1_000))
            .Concat(ValidatedOptions.Range($"{section}:LargerGpuWait", LargerGpuWait, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)));

    /// <summary>The store's rules with this section's: how the settings of <c>Scheduler</c> that the store applies inside
    /// its transactions reach it, beside its own <c>Store:…:Store</c> keys.</summary>
    internal JobStoreOptions Apply(JobStoreOptions rules) => rules with { MaxReleases = MaxReleases, LargerGpuWait = LargerGpuWait };
}
