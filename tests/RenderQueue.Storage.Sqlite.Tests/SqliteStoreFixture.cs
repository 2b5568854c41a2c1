using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Storage.Contract;
using RenderQueue.Processes;

namespace RenderQueue.Storage.Sqlite.Tests;

/// <summary>Each store gets its own database file in a temp folder that goes away with the test class.</summary>
public sealed class SqliteStoreFixture : IJobStoreFixture, IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-sqlite");

    public IJobStore CreateStore(TimeProvider time, JobStoreOptions options) =>
        Open(_folder.File($"{Guid.NewGuid():N}.db"), time, options);

    public IJobStore Reopen(IJobStore store, TimeProvider time, JobStoreOptions options)
    {
        var sqlite = (SqliteJobStore)store;
        sqlite.Dispose();
        return Open(sqlite.DatabasePath, time, options);
    }

    public Task MoveAsync(IJobStore store, string jobId, JobState state) =>
        ((SqliteJobStore)store).TransitionAsync(jobId, (job, now) => new JobChange(job with { State = state, UpdatedAt = now }, job.State, null), CancellationToken.None);

    public Task PlaceOnGpuAsync(IJobStore store, string jobId, AssignedGpu gpu) =>
        ((SqliteJobStore)store).TransitionAsync(jobId, (job, _) => new JobChange(
            job with { AssignedGpu = gpu, Attempts = [.. job.Attempts.SkipLast(1), job.Attempts[^1] with { Gpu = gpu }] }, job.State, null),
            CancellationToken.None);

    private static SqliteJobStore Open(string path, TimeProvider time, JobStoreOptions options) =>
        new(new SqliteStoreOptions { Path = path, Store = options }, time);

    public void Dispose() => _folder.Dispose();
}
