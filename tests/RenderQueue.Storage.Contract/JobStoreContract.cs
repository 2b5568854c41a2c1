using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;
using Xunit;

namespace RenderQueue.Storage.Contract;

/// <summary>
/// The definition of a store. A backend passes when a subclass of this suite, given only a fixture that makes
/// isolated instances, is green with no case skipped. Time is a manual clock: nothing here sleeps.
/// </summary>
public abstract partial class JobStoreContract<TFixture> : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : class, IJobStoreFixture
{
    protected static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    private readonly TFixture _fixture;

    protected JobStoreContract(TFixture fixture)
    {
        _fixture = fixture;
        Store = fixture.CreateStore(Time, Options);
    }

    protected FakeTimeProvider Time { get; } = new();

    /// <summary>No jitter, so backoff times are exact.</summary>
    protected JobStoreOptions Options { get; private set; } = new()
    {
        Retry = new RetryPolicy { BaseDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromMinutes(5), Jitter = 0 },
        WorkerTtl = TimeSpan.FromSeconds(60),
    };

    protected IJobStore Store { get; private set; }

    protected static CancellationToken None => CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        switch (Store)
        {
            case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync(); break;
            case IDisposable disposable: disposable.Dispose(); break;
        }
    }

    /// <summary>Replaces the store with a new, empty one that keeps <paramref name="states"/>.</summary>
    protected async Task UseStates(IReadOnlyList<JobState> states)
    {
        await DisposeAsync();
        Options = Options with { States = states };
        Store = _fixture.CreateStore(Time, Options);
    }

    /// <summary>Moves a job to a state no operation reaches yet, as a new transition would.</summary>
    protected Task Move(string jobId, JobState state) => _fixture.MoveAsync(Store, jobId, state);

    /// <summary>Simulates a restart: a new instance over the same data.</summary>
    protected void Reopen() => Store = _fixture.Reopen(Store, Time, Options);

    // ── Builders ──────────────────────────────────────────────────────────────────────────────────

    private static readonly JsonElement SamplePayload = JsonDocument.Parse("""{"seconds": 1, "prompt": "a red fox"}""").RootElement.Clone();

    protected NewJob NewJob(string type = "simulated", int priority = 0, string queue = "default") => new()
    {
        Id = JobId.New(Time),
        Queue = queue,
        Type = type,
        Payload = SamplePayload,
        Priority = priority,
    };

    protected static LeaseRequest Lease(string worker = "worker-1", params string[] types) => new()
    {
        WorkerId = worker,
        Types = types.Length == 0 ? ["simulated"] : types,
        LeaseDuration = LeaseDuration,
    };

    protected async Task<Job> Submit(NewJob job) => (await Store.EnqueueAsync([job], None)).Single().Job;

    protected Task<Job> Submit(string type = "simulated", int priority = 0, string queue = "default") => Submit(NewJob(type, priority, queue));

    protected async Task<Job?> LeaseOne(LeaseRequest? request = null) =>
        (await Store.LeaseAsync(request ?? Lease(), None)).SingleOrDefault();

    protected async Task<Job> SubmitAndLease(NewJob? job = null, string worker = "worker-1")
    {
        var submitted = await Submit(job ?? NewJob());
        var leased = await LeaseOne(Lease(worker, submitted.Type));
        Assert.NotNull(leased);
        Assert.Equal(submitted.Id, leased.Id);
        return leased;
    }

    protected async Task<Job> Reload(string id) => await Store.GetAsync(id, None) ?? throw new Xunit.Sdk.XunitException($"Job {id} is gone.");

    protected async Task<WorkerInfo> RegisterWorker(string id = "worker-1", params string[] types) =>
        await Store.RegisterWorkerAsync(new WorkerRegistration
        {
            Id = id,
            Name = id,
            Types = types.Length == 0 ? ["simulated"] : types,
        }, None);

    protected async Task<StateCounts> Counts(string queue = "default") =>
        (await Store.GetStatsAsync(None)).Queues.SingleOrDefault(q => q.Name == queue)?.Counts ?? StateCounts.Zero;

    protected async Task<QueuePosition?> Position(string jobId) =>
        (await Store.GetPositionsAsync([jobId], None)).GetValueOrDefault(jobId);

    protected async Task<List<JobEvent>> EventsOf(string jobId) =>
        [.. (await Store.ReadEventsAsync(0, 10_000, None)).Where(e => e.JobId == jobId)];
}
