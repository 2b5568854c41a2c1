using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using Xunit;

namespace RenderQueue.Storage.Contract;

// Warm-model affinity: a job goes first to a slot with one of its models loaded; a cold slot takes it once the affinity
// wait has passed since a cold slot was first offered it (not since it became ready), or at once when no worker has
// its models warm. Within a priority a warm slot prefers its warm job, over jobs that became ready at most the wait
// before it.
public abstract partial class JobStoreContract<TFixture>
{
    protected static readonly TimeSpan AffinityWait = TimeSpan.FromSeconds(3);

    /// <summary>A ComfyUI job whose workflow loads <paramref name="checkpoint"/>.</summary>
    protected NewJob ComfyJob(string checkpoint, int priority = 0)
    {
        var workflow = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["4"] = new { class_type = "CheckpointLoaderSimple", inputs = new { ckpt_name = checkpoint } },
            ["6"] = new { class_type = "CLIPTextEncode", inputs = new { text = "a red fox" } },
        });
        return NewJob(type: "comfyui", priority: priority) with { Payload = workflow };
    }

    /// <summary>A one-slot ComfyUI lease with <paramref name="warm"/> loaded, affinity on, the fleet's warm models given.</summary>
    protected static LeaseRequest ComfyLease(string worker, string[] warm, string[]? fleet, AffinityDeferral? deferral = null) =>
        Lease(worker, "comfyui", "simulated") with
        {
            Slots = [LeaseSlot.On(worker, Gpu(0, 24_564), null, warm)],
            AffinityWait = AffinityWait,
            FleetWarmModels = fleet,
            Deferral = deferral,
        };

    [Fact]
    public async Task A_job_warm_elsewhere_waits_for_a_warm_slot_until_the_affinity_wait_ends()
    {
        var job = await Submit(ComfyJob("sdxl.safetensors"));
        var deferral = new AffinityDeferral();

        Assert.Null(await LeaseOne(ComfyLease("cold", ["flux.safetensors"], ["SDXL.SAFETENSORS", "flux.safetensors"], deferral)));
        Assert.Equal(job.QueuedAt + AffinityWait, deferral.Until);

        Time.Advance(AffinityWait - TimeSpan.FromMilliseconds(1));
        Assert.Null(await LeaseOne(ComfyLease("cold", ["flux.safetensors"], ["sdxl.safetensors"])));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var leased = (await LeaseOne(ComfyLease("cold", ["flux.safetensors"], ["sdxl.safetensors"])))!;
        Assert.Equal(job.Id, leased.Id);
        Assert.False(leased.Attempts.Single().Warm);
    }

    [Fact]
    public async Task A_warm_slot_takes_the_job_at_once()
    {
        var job = await Submit(ComfyJob("sdxl.safetensors"));

        var leased = (await LeaseOne(ComfyLease("warm", ["sdxl.safetensors"], ["sdxl.safetensors"])))!;

        Assert.Equal(job.Id, leased.Id);
        Assert.True(leased.Attempts.Single().Warm);
    }

    [Fact]
    public async Task A_job_warm_nowhere_goes_to_a_cold_slot_at_once()
    {
        var job = await Submit(ComfyJob("sdxl.safetensors"));

        Assert.Equal(job.Id, (await LeaseOne(ComfyLease("cold", ["flux.safetensors"], ["flux.safetensors"])))!.Id);
    }

    [Fact]
    public async Task Requirements_models_count_for_affinity_but_workflow_models_are_never_required()
    {
        var required = await Submit(NewJob(priority: 5) with { Requirements = new JobRequirements(Models: ["upscaler.pth"]) });
        var workflow = await Submit(ComfyJob("sdxl.safetensors"));
        var worker = ComfyLease("w", ["upscaler.pth"], ["upscaler.pth"]) with
        {
            Capabilities = new WorkerCapabilities([], ["upscaler.pth"], null),
            Slots = [LeaseSlot.On("w", Gpu(0, 24_564), null, ["upscaler.pth"])],
        };

        var first = (await LeaseOne(worker))!;
        Assert.Equal(required.Id, first.Id);
        Assert.True(first.Attempts.Single().Warm);
        Assert.Equal(workflow.Id, (await LeaseOne(worker))!.Id); // sdxl is not installed there, and not required
    }

    [Fact]
    public async Task With_affinity_off_a_cold_slot_takes_jobs_in_order()
    {
        var job = await Submit(ComfyJob("sdxl.safetensors"));

        var off = ComfyLease("cold", ["flux.safetensors"], ["sdxl.safetensors"]) with { AffinityWait = TimeSpan.Zero };

        Assert.Equal(job.Id, (await LeaseOne(off))!.Id);
    }

    [Fact]
    public async Task A_held_job_lets_a_lower_priority_job_go_only_for_the_affinity_wait()
    {
        var high = await Submit(ComfyJob("sdxl.safetensors", priority: 5));
        var low1 = await Submit(NewJob(priority: 0));
        await Submit(NewJob(priority: 0));
        var cold = ComfyLease("cold", [], ["sdxl.safetensors"]);

        Assert.Equal(low1.Id, (await LeaseOne(cold))!.Id);
        Time.Advance(AffinityWait);
        Assert.Equal(high.Id, (await LeaseOne(cold))!.Id);
    }

    [Fact]
    public async Task A_warm_slot_prefers_its_warm_job_within_a_priority()
    {
        var older = await Submit(ComfyJob("flux.safetensors"));
        var warm = await Submit(ComfyJob("sdxl.safetensors"));
        var fleet = new[] { "sdxl.safetensors" }; // flux is warm nowhere: the older job is not held back

        Assert.Equal(warm.Id, (await LeaseOne(ComfyLease("sdxl-box", ["sdxl.safetensors"], fleet)))!.Id);
        Assert.Equal(older.Id, (await LeaseOne(ComfyLease("sdxl-box", ["sdxl.safetensors"], fleet)))!.Id);
    }

    [Fact]
    public async Task A_warm_job_goes_ahead_only_of_jobs_ready_at_most_the_affinity_wait_before_it()
    {
        var older = await Submit(ComfyJob("flux.safetensors"));
        Time.Advance(AffinityWait + TimeSpan.FromMilliseconds(1));
        var warm = await Submit(ComfyJob("sdxl.safetensors"));
        var fleet = new[] { "sdxl.safetensors" };

        Assert.Equal(older.Id, (await LeaseOne(ComfyLease("sdxl-box", ["sdxl.safetensors"], fleet)))!.Id);
        Assert.Equal(warm.Id, (await LeaseOne(ComfyLease("sdxl-box", ["sdxl.safetensors"], fleet)))!.Id);
    }

    [Fact]
    public async Task Warm_preference_never_goes_ahead_of_a_higher_priority()
    {
        var urgent = await Submit(ComfyJob("flux.safetensors", priority: 9));
        await Submit(ComfyJob("sdxl.safetensors"));

        Assert.Equal(urgent.Id, (await LeaseOne(ComfyLease("sdxl-box", ["sdxl.safetensors"], ["sdxl.safetensors"])))!.Id);
    }

    [Fact]
    public async Task Warm_preference_follows_a_priority_change()
    {
        await Submit(ComfyJob("flux.safetensors", priority: 1));
        var warm = await Submit(ComfyJob("sdxl.safetensors"));
        var fleet = new[] { "sdxl.safetensors" };

        await Store.SetPriorityAsync(warm.Id, 1, None);

        Assert.Equal(warm.Id, (await LeaseOne(ComfyLease("sdxl-box", ["sdxl.safetensors"], fleet)))!.Id);
    }

    [Fact]
    public async Task Each_slot_of_one_lease_gets_the_job_warm_on_it()
    {
        var flux = await Submit(ComfyJob("flux.safetensors"));
        var sdxl = await Submit(ComfyJob("sdxl.safetensors"));
        var request = Lease("two", "comfyui") with
        {
            Slots =
            [
                LeaseSlot.On("two", Gpu(0, 24_564), "comfyui", ["sdxl.safetensors"]),
                LeaseSlot.On("two", Gpu(1, 24_564), "comfyui", ["flux.safetensors"]),
            ],
            AffinityWait = AffinityWait,
            FleetWarmModels = ["sdxl.safetensors", "flux.safetensors"],
        };

        var leased = await Store.LeaseAsync(request, None);

        Assert.Equal(sdxl.Id, leased.Single(j => j.AssignedGpu!.Index == 0).Id);
        Assert.Equal(flux.Id, leased.Single(j => j.AssignedGpu!.Index == 1).Id);
        Assert.All(leased, j => Assert.True(j.Attempts.Single().Warm));
    }

    [Fact]
    public async Task A_job_ready_long_ago_is_held_for_the_affinity_wait_from_its_first_offer()
    {
        var job = await Submit(ComfyJob("sdxl.safetensors"));
        Time.Advance(TimeSpan.FromMinutes(1)); // nobody asked meanwhile: ready for long, offered never
        var fleet = new[] { "sdxl.safetensors" };
        var deferral = new AffinityDeferral();

        Assert.Null(await LeaseOne(ComfyLease("cold", ["flux.safetensors"], fleet, deferral)));
        Assert.Equal(Time.GetUtcNow() + AffinityWait, deferral.Until);

        Time.Advance(AffinityWait - TimeSpan.FromMilliseconds(1));
        var again = new AffinityDeferral();
        Assert.Null(await LeaseOne(ComfyLease("other-cold", [], fleet, again)));
        Assert.Equal(deferral.Until, again.Until); // offered once: a second cold slot does not restart the hold
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var leased = (await LeaseOne(ComfyLease("cold", ["flux.safetensors"], fleet)))!;
        Assert.Equal(job.Id, leased.Id);
        Assert.False(leased.Attempts.Single().Warm);
    }

    [Fact]
    public async Task A_held_job_ready_long_ago_lets_a_lower_priority_job_go_only_for_the_affinity_wait()
    {
        var high = await Submit(ComfyJob("sdxl.safetensors", priority: 5));
        Time.Advance(TimeSpan.FromMinutes(1));
        var low1 = await Submit(NewJob(priority: 0));
        await Submit(NewJob(priority: 0));
        var cold = ComfyLease("cold", [], ["sdxl.safetensors"]);

        Assert.Equal(low1.Id, (await LeaseOne(cold))!.Id); // passing it over for a lower priority offers it
        Time.Advance(AffinityWait);
        Assert.Equal(high.Id, (await LeaseOne(cold))!.Id);
    }

    [Fact]
    public async Task A_warm_slot_taking_its_own_warm_job_does_not_start_another_jobs_hold()
    {
        var sdxl = await Submit(ComfyJob("sdxl.safetensors"));
        var flux = await Submit(ComfyJob("flux.safetensors"));
        var fleet = new[] { "sdxl.safetensors", "flux.safetensors" };

        Assert.Equal(flux.Id, (await LeaseOne(ComfyLease("flux-box", ["flux.safetensors"], fleet)))!.Id);
        Time.Advance(TimeSpan.FromMinutes(1));

        var deferral = new AffinityDeferral();
        Assert.Null(await LeaseOne(ComfyLease("cold", [], fleet, deferral))); // the first cold slot to want it
        Assert.Equal(Time.GetUtcNow() + AffinityWait, deferral.Until);
        Time.Advance(AffinityWait);
        Assert.Equal(sdxl.Id, (await LeaseOne(ComfyLease("cold", [], fleet)))!.Id);
    }

    [Fact]
    public async Task A_job_back_in_the_queue_is_held_afresh()
    {
        var job = await Submit(ComfyJob("sdxl.safetensors"));
        var fleet = new[] { "sdxl.safetensors" };
        Assert.Null(await LeaseOne(ComfyLease("cold", [], fleet))); // offered now
        var leased = (await LeaseOne(ComfyLease("warm", ["sdxl.safetensors"], fleet)))!;
        Assert.Equal(job.Id, leased.Id);

        await Store.ReleaseAsync(leased.LeaseToken, "backend went away", None);
        Time.Advance(AffinityWait + TimeSpan.FromMinutes(1));

        var deferral = new AffinityDeferral();
        Assert.Null(await LeaseOne(ComfyLease("cold", [], fleet, deferral))); // the old offer went with the lease
        Assert.Equal(Time.GetUtcNow() + AffinityWait, deferral.Until);
        Time.Advance(AffinityWait);
        Assert.Equal(job.Id, (await LeaseOne(ComfyLease("cold", [], fleet)))!.Id);
    }
}
