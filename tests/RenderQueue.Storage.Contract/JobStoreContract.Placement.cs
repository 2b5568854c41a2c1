using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using Xunit;

namespace RenderQueue.Storage.Contract;

// Placement on GPU slots: one GPU's VRAM (its total minus what the jobs running on it reserve), vram_above_mb, the
// backend's type, and the GPU recorded on the job and its attempt.
public abstract partial class JobStoreContract<TFixture>
{
    protected static AssignedGpu Gpu(int index, long totalMb, string? uuid = null) =>
        new(index, FormattableString.Invariant($"GPU {totalMb} MB"), totalMb, uuid);

    /// <summary>A lease offering one slot per GPU given (a GPU given twice runs two backends).</summary>
    protected static LeaseRequest SlotLease(string worker, params AssignedGpu[] gpus) =>
        Lease(worker) with { Slots = [.. gpus.Select(g => LeaseSlot.On(worker, g))] };

    protected NewJob VramJob(long? minVramMb = null, long? vramAboveMb = null, int priority = 0) =>
        NewJob(priority: priority) with { Requirements = new JobRequirements(MinVramMb: minVramMb, VramAboveMb: vramAboveMb) };

    [Fact]
    public async Task A_40_GB_job_never_goes_to_two_24_GB_GPUs_but_goes_to_one_of_48_GB()
    {
        var big = await Submit(VramJob(40_000));

        Assert.Empty(await Store.LeaseAsync(SlotLease("two-4090s", Gpu(0, 24_564), Gpu(1, 24_564)), None));

        var leased = Assert.Single(await Store.LeaseAsync(SlotLease("a6000", Gpu(0, 49_140, "GPU-a6000")), None));
        Assert.Equal(big.Id, leased.Id);
        Assert.Equal(Gpu(0, 49_140, "GPU-a6000"), leased.AssignedGpu);
        Assert.Equal(Gpu(0, 49_140, "GPU-a6000"), leased.Attempts.Single().Gpu);
    }

    [Fact]
    public async Task Two_20_GB_jobs_never_share_a_24_GB_GPU_within_one_lease()
    {
        var first = await Submit(VramJob(20_000));
        var second = await Submit(VramJob(20_000));

        // Two backends on GPU 0: only one of the jobs fits it.
        var sameGpu = await Store.LeaseAsync(SlotLease("one-4090", Gpu(0, 24_564), Gpu(0, 24_564)), None);
        Assert.Equal([first.Id], sameGpu.Select(j => j.Id));

        // Two GPUs: the other goes to the second one, since GPU 0 of this worker holds nothing yet.
        var twoGpus = await Store.LeaseAsync(SlotLease("two-4090s", Gpu(0, 24_564), Gpu(1, 24_564)), None);
        Assert.Equal(second.Id, Assert.Single(twoGpus).Id);
    }

    [Fact]
    public async Task Two_20_GB_jobs_on_two_GPUs_of_one_worker_each_get_their_own()
    {
        await Submit(VramJob(20_000));
        await Submit(VramJob(20_000));

        var leased = await Store.LeaseAsync(SlotLease("two-4090s", Gpu(0, 24_564), Gpu(1, 24_564)), None);

        Assert.Equal([0, 1], leased.Select(j => j.AssignedGpu!.Index).Order());
    }

    [Fact]
    public async Task A_running_job_reserves_its_VRAM_on_its_GPU_across_leases_until_it_completes()
    {
        var first = await Submit(VramJob(20_000));
        var second = await Submit(VramJob(20_000));
        var plain = await Submit(NewJob());
        var running = (await LeaseOne(SlotLease("w", Gpu(0, 24_564))))!;
        Assert.Equal(first.Id, running.Id);

        // The 20 GB job cannot go on GPU 0 while the first runs there; a job without VRAM needs can.
        Assert.Equal(plain.Id, (await LeaseOne(SlotLease("w", Gpu(0, 24_564))))!.Id);
        Assert.Null(await LeaseOne(SlotLease("w", Gpu(0, 24_564))));

        await Store.CompleteAsync(running.LeaseToken, null, None);
        Assert.Equal(second.Id, (await LeaseOne(SlotLease("w", Gpu(0, 24_564))))!.Id);
    }

    [Fact]
    public async Task A_GPU_with_a_uuid_is_the_same_GPU_for_every_worker_on_it()
    {
        await Submit(VramJob(20_000));
        var second = await Submit(VramJob(20_000));
        Assert.NotNull(await LeaseOne(SlotLease("comfy-a", Gpu(0, 24_564, "GPU-shared"))));

        Assert.Null(await LeaseOne(SlotLease("comfy-b", Gpu(0, 24_564, "GPU-shared"))));
        Assert.Equal(second.Id, (await LeaseOne(SlotLease("comfy-b", Gpu(0, 24_564, "GPU-other"))))!.Id);
    }

    [Fact]
    public async Task Every_way_out_of_running_frees_the_GPU()
    {
        var exits = new (string Name, Func<Job, Task> Exit)[]
        {
            ("complete", job => Store.CompleteAsync(job.LeaseToken, null, None)),
            ("release", job => Store.ReleaseAsync(job.LeaseToken, "backend went away", None)),
            ("fail", job => Store.FailAsync(job.LeaseToken, new JobFailure(new JobError("boom", "error"), Retryable: false), None)),
            ("retry", job => Store.FailAsync(job.LeaseToken, new JobFailure(new JobError("boom", "error"), Retryable: true), None)),
            ("lost", async job =>
            {
                Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
                Assert.True(await Store.ReapAsync(100, TimeSpan.Zero, None) >= 1);
            }),
            ("cancel", async job =>
            {
                await Store.CancelAsync(job.Id, "not needed", None);
                Assert.Null(await LeaseOne(SlotLease("w", Gpu(0, 24_564, "GPU-cancel")) with { Queues = ["cancel"] })); // still running
                await Store.ReleaseAsync(job.LeaseToken, "stopped", None);
            }),
        };
        foreach (var (name, exit) in exits)
        {
            var slot = SlotLease("w", Gpu(0, 24_564, "GPU-" + name)) with { Queues = [name] };
            var holder = await Submit(VramJob(20_000) with { Queue = name });
            await Submit(VramJob(20_000) with { Queue = name });
            var running = (await LeaseOne(slot))!;
            Assert.Equal(holder.Id, running.Id);
            Assert.Null(await LeaseOne(slot));

            await exit(running);

            Assert.NotEqual(JobState.Running, (await Reload(holder.Id)).State);
            Assert.Null((await Reload(holder.Id)).AssignedGpu);
            Assert.True(await LeaseOne(slot) is not null, $"After {name} the GPU should be free again.");
        }
    }

    [Fact]
    public async Task Vram_above_needs_a_GPU_whose_total_is_larger()
    {
        var retry = await Submit(VramJob(vramAboveMb: 24_564));

        Assert.Null(await LeaseOne(SlotLease("4090", Gpu(0, 24_564))));
        Assert.Equal(retry.Id, (await LeaseOne(SlotLease("a6000", Gpu(0, 49_140))))!.Id);
    }

    [Fact]
    public async Task A_job_without_VRAM_needs_goes_on_any_slot_and_a_backend_slot_takes_only_its_type()
    {
        var a1111 = await Submit(NewJob(type: "a1111", priority: 5));
        var comfy = await Submit(NewJob(type: "comfyui"));
        var request = Lease("w", "comfyui", "a1111") with { Slots = [LeaseSlot.On("w", Gpu(0, 8_192), "comfyui")] };

        Assert.Equal(comfy.Id, (await LeaseOne(request))!.Id);
        var anyType = Lease("w", "comfyui", "a1111") with { Slots = [LeaseSlot.On("w", Gpu(1, 8_192))] };
        Assert.Equal(a1111.Id, (await LeaseOne(anyType))!.Id);
    }

    [Fact]
    public async Task The_GPU_and_warmth_of_an_attempt_survive_reads_and_a_reopen()
    {
        var job = await Submit(ComfyJob("sdxl.safetensors"));
        var request = Lease("w", "comfyui") with
        {
            Slots = [LeaseSlot.On("w", Gpu(1, 24_564, "GPU-1"), "comfyui", ["SDXL.safetensors"])],
        };
        var leased = (await LeaseOne(request))!;
        Assert.Equal(new JobAttempt(1, "w", Time.GetUtcNow(), Gpu: Gpu(1, 24_564, "GPU-1"), Warm: true), leased.Attempts.Single());

        Reopen();
        var reread = await Reload(job.Id);
        Assert.Equal(Gpu(1, 24_564, "GPU-1"), reread.AssignedGpu);
        Assert.Equal(leased.Attempts, reread.Attempts);

        var done = await Store.CompleteAsync(leased.LeaseToken, null, None);
        Assert.Null(done.AssignedGpu);
        Assert.Equal(Gpu(1, 24_564, "GPU-1"), (await Reload(job.Id)).Attempts.Single().Gpu);
        Assert.True((await Reload(job.Id)).Attempts.Single().Warm);

        await Submit(ComfyJob("flux.safetensors"));
        Assert.False((await LeaseOne(request))!.Attempts.Single().Warm);
    }

    [Fact]
    public async Task Without_slots_the_jobs_of_one_lease_share_the_single_free_VRAM_reading()
    {
        await Submit(VramJob(20_000));
        await Submit(VramJob(20_000));
        var legacy = Lease("old-worker") with { MaxJobs = 2, Capabilities = new WorkerCapabilities([], [], 30_000) };

        var leased = Assert.Single(await Store.LeaseAsync(legacy, None));
        Assert.Null(leased.AssignedGpu);
        Assert.Null(leased.Attempts.Single().Warm);
    }
}
