using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Processes;
using RenderQueue.Server.Background;
using RenderQueue.Server.Configuration;
using RenderQueue.Storage.Sqlite;

namespace RenderQueue.Server.Tests;

/// <summary>The scheduler on its own, against a real SQLite store, where a test must choose when the clock moves.</summary>
public sealed class JobSchedulerTests : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-scheduler");
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task A_clock_that_passes_the_due_time_while_the_scheduler_goes_to_sleep_does_not_strand_the_job()
    {
        // The clock passes the due time just as the scheduler sets its timer: after it worked out how long to sleep,
        // before the timer exists. A sleep of "so long from now" would then end that long after the job came due.
        var wait = TimeSpan.FromMinutes(5);
        var moved = 0;
        var time = new ClockMovedOnTimer(_clock, () => { if (Interlocked.Exchange(ref moved, 1) == 0) _clock.Advance(wait); });
        using var store = new SqliteJobStore(new SqliteStoreOptions { Path = _folder.File("jobs.db"), Store = new JobStoreOptions() }, _clock);
        var job = (await store.EnqueueAsync([NewJob(runAt: _clock.GetUtcNow() + wait)], default)).Single().Job;
        Assert.Equal(JobState.Scheduled, job.State);

        using var scheduler = new JobScheduler(store, new SingleNodeLeaderElection(), Options.Create(new SchedulerOptions()), time,
            NullLogger<JobScheduler>.Instance);
        await scheduler.StartAsync(default);
        try
        {
            var queued = await Http.EventuallyAsync(() => store.GetAsync(job.Id, default), j => j?.State == JobState.Queued,
                "the scheduler to queue the job");
            Assert.Equal(JobState.Queued, queued!.State);
        }
        finally
        {
            await scheduler.StopAsync(default);
        }
    }

    private NewJob NewJob(DateTimeOffset runAt) => new()
    {
        Id = JobId.New(_clock),
        Queue = "default",
        Type = "simulated",
        Payload = JsonDocument.Parse("{}").RootElement.Clone(),
        RunAt = runAt,
    };

    public void Dispose() => _folder.Dispose();

    /// <summary>A <see cref="FakeTimeProvider"/> that runs <paramref name="onTimer"/> before it creates each timer.</summary>
    private sealed class ClockMovedOnTimer(FakeTimeProvider clock, Action onTimer) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override long GetTimestamp() => clock.GetTimestamp();

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            onTimer();
            return clock.CreateTimer(callback, state, dueTime, period);
        }
    }
}
