using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Contract;

/// <summary>Makes isolated stores of one backend for the contract suite (its own file, prefix or database each).</summary>
public interface IJobStoreFixture
{
    /// <summary>A new, empty store that reads time from <paramref name="time"/>.</summary>
    IJobStore CreateStore(TimeProvider time, JobStoreOptions options);

    /// <summary>A second instance over the same data as <paramref name="store"/>, as after a server restart.</summary>
    IJobStore Reopen(IJobStore store, TimeProvider time, JobStoreOptions options);

    /// <summary>
    /// Moves a job to <paramref name="state"/> through the store's own bookkeeping (indexes, counters), as a
    /// transition into a state that no operation reaches yet would, with no event.
    /// </summary>
    Task MoveAsync(IJobStore store, string jobId, JobState state);

    /// <summary>
    /// Records <paramref name="gpu"/> as the GPU a running job's attempt was placed on (the job's <c>assigned_gpu</c>
    /// and its last attempt's <c>gpu</c>), as a lease with GPU placement does, with no event.
    /// </summary>
    Task PlaceOnGpuAsync(IJobStore store, string jobId, AssignedGpu gpu);
}
