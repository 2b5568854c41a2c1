using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using Xunit;

namespace RenderQueue.Storage.Contract;

/// <summary>OOM-aware retries: an oom on a known GPU needs a larger one, queued at once when one is online, else waiting.</summary>
public abstract partial class JobStoreContract<TFixture>
{
    private static readonly AssignedGpu Rtx4090 = new(0, "NVIDIA GeForce RTX 4090", 24_564, "GPU-4090");
    private const string WaitingFor4090 = "waiting for a GPU with more than 24,564 MB";

    private static GpuInfo GpuOf(long totalMb, int index = 0) => new(index, $"{totalMb} MB GPU", totalMb, totalMb);

    private Task<WorkerInfo> RegisterGpuWorker(string id, long totalMb, params string[] types) =>
        Store.RegisterWorkerAsync(new WorkerRegistration
        {
            Id = id,
            Name = id,
            Types = types.Length == 0 ? ["simulated"] : types,
            Gpus = [GpuOf(totalMb)],
        }, None);

    /// <summary>Leases a new job, places it on the 24 GB card and fails it with class oom.</summary>
    private async Task<Job> OomOn4090(NewJob? job = null)
    {
        var leased = await SubmitAndLease(job);
        await _fixture.PlaceOnGpuAsync(Store, leased.Id, Rtx4090);
        return await Store.FailAsync(leased.LeaseToken, new JobFailure(new JobError("CUDA out of memory", ErrorClasses.OutOfMemory)), None);
    }

    [Fact]
    public async Task An_oom_with_a_larger_gpu_online_is_queued_at_once_needing_more_than_that_gpu()
    {
        await RegisterGpuWorker("small", 24_564);
        await RegisterGpuWorker("big", 49_140);

        var failed = await OomOn4090();

        Assert.Equal(JobState.Queued, failed.State);
        Assert.Equal(24_564, failed.Requirements.VramAboveMb);
        Assert.Null(failed.WaitReason);
        Assert.Equal(ErrorClasses.OutOfMemory, failed.Error!.Class);
        var stored = await Reload(failed.Id);
        Assert.Equal(24_564, stored.Requirements.VramAboveMb);
        Assert.Equal(Rtx4090, stored.Attempts.Single().Gpu);
    }

    [Fact]
    public async Task An_oom_with_no_larger_gpu_online_waits_scheduled_with_the_reason()
    {
        await RegisterGpuWorker("small", 24_564);
        await RegisterGpuWorker("big-but-offline", 49_140);
        Time.Advance(Options.WorkerTtl + TimeSpan.FromSeconds(1));
        await Store.HeartbeatAsync("small", new WorkerHeartbeat(), None);
        await RegisterGpuWorker("big-other-type", 49_140, "comfyui");

        var waiting = await OomOn4090();

        Assert.Equal(JobState.Scheduled, waiting.State);
        Assert.Equal(WaitingFor4090, waiting.WaitReason);
        Assert.Equal(24_564, waiting.Requirements.VramAboveMb);
        Assert.Equal(Time.GetUtcNow() + Options.LargerGpuWait, waiting.RunAt);
        Assert.Equal(WaitingFor4090, (await Reload(waiting.Id)).WaitReason);
        Assert.Equal(WaitingFor4090, (await EventsOf(waiting.Id))[^1].Reason);
        Assert.Equal(0, await Store.PromoteDueAsync(100, None));
        await Store.HeartbeatAsync("small", new WorkerHeartbeat(), None); // a heartbeat without a larger GPU changes nothing
        Assert.Equal(JobState.Scheduled, (await Reload(waiting.Id)).State);
    }

    [Fact]
    public async Task A_larger_gpu_registering_queues_the_waiting_job()
    {
        var waiting = await OomOn4090();
        Assert.Equal(JobState.Scheduled, waiting.State);

        await RegisterGpuWorker("big", 49_140);

        var queued = await Reload(waiting.Id);
        Assert.Equal(JobState.Queued, queued.State);
        Assert.Null(queued.WaitReason);
        Assert.Equal(1, (await Counts()).Queued);
        Assert.Equal(JobEventTypes.Queued, (await EventsOf(waiting.Id))[^1].Type);
    }

    [Fact]
    public async Task A_heartbeat_that_reports_a_larger_gpu_queues_the_waiting_job()
    {
        await RegisterGpuWorker("box", 24_564);
        var waiting = await OomOn4090();
        Assert.Equal(JobState.Scheduled, waiting.State);

        await Store.HeartbeatAsync("box", new WorkerHeartbeat { Gpus = [GpuOf(24_564), GpuOf(81_920, index: 1)] }, None);

        Assert.Equal(JobState.Queued, (await Reload(waiting.Id)).State);
    }

    [Fact]
    public async Task A_draining_worker_with_a_larger_gpu_releases_nothing()
    {
        await RegisterGpuWorker("big", 49_140);
        await Store.RequestDrainAsync("big", None);

        var waiting = await OomOn4090();
        await Store.HeartbeatAsync("big", new WorkerHeartbeat { Draining = true }, None);

        Assert.Equal(JobState.Scheduled, waiting.State);
        Assert.Equal(JobState.Scheduled, (await Reload(waiting.Id)).State);
    }

    [Fact]
    public async Task A_waiting_job_fails_oom_with_its_reason_once_the_wait_runs_out()
    {
        var waiting = await OomOn4090();

        Time.Advance(Options.LargerGpuWait);
        Assert.Equal(1, await Store.PromoteDueAsync(100, None));

        var failed = await Reload(waiting.Id);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(ErrorClasses.OutOfMemory, failed.Error!.Class);
        Assert.StartsWith(WaitingFor4090, failed.Error.Message, StringComparison.Ordinal);
        Assert.Null(failed.WaitReason);
        Assert.Equal(1, (await Counts()).Failed);
        await RegisterGpuWorker("big", 49_140); // too late: the failed job stays failed
        Assert.Equal(JobState.Failed, (await Reload(waiting.Id)).State);
    }

    [Fact]
    public async Task A_canceled_waiting_job_is_not_released_by_a_larger_gpu()
    {
        var waiting = await OomOn4090();
        var canceled = await Store.CancelAsync(waiting.Id, null, None);
        Assert.Null(canceled.WaitReason);

        await RegisterGpuWorker("big", 49_140);

        Assert.Equal(JobState.Canceled, (await Reload(waiting.Id)).State);
    }

    [Fact]
    public async Task A_second_oom_needs_a_gpu_larger_than_the_second_one()
    {
        await RegisterGpuWorker("big", 49_140);
        var queued = await OomOn4090(NewJob() with { MaxAttempts = 3 });
        Assert.Empty(await Store.LeaseAsync(SlotLease("small", Gpu(0, 24_564)), None)); // never the same size again
        var again = Assert.Single(await Store.LeaseAsync(SlotLease("big", Gpu(0, 49_140)), None));
        Assert.Equal(49_140, again.AssignedGpu!.VramTotalMb);

        var waiting = await Store.FailAsync(again.LeaseToken, new JobFailure(new JobError("still too big", ErrorClasses.OutOfMemory)), None);

        Assert.Equal(queued.Id, waiting.Id);
        Assert.Equal(JobState.Scheduled, waiting.State);
        Assert.Equal(49_140, waiting.Requirements.VramAboveMb);
        Assert.Equal("waiting for a GPU with more than 49,140 MB", waiting.WaitReason);
    }

    [Fact]
    public async Task An_oom_on_an_unknown_gpu_retries_after_the_usual_backoff()
    {
        await RegisterGpuWorker("big", 49_140);
        var job = await SubmitAndLease();

        var failed = await Store.FailAsync(job.LeaseToken, new JobFailure(new JobError("CUDA out of memory", ErrorClasses.OutOfMemory)), None);

        Assert.Equal(JobState.Scheduled, failed.State);
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(10), failed.RunAt);
        Assert.Null(failed.Requirements.VramAboveMb);
        Assert.Null(failed.WaitReason);
    }
}
