using RenderQueue.Core.Jobs;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    [Fact]
    public async Task Lease_returns_highest_priority_first()
    {
        var low = await Submit(priority: 0);
        var mid = await Submit(priority: 5);
        var high = await Submit(priority: 10);

        Assert.Equal(high.Id, (await LeaseOne())!.Id);
        Assert.Equal(mid.Id, (await LeaseOne())!.Id);
        Assert.Equal(low.Id, (await LeaseOne())!.Id);
        Assert.Null(await LeaseOne());
    }

    [Fact]
    public async Task Lease_is_first_in_first_out_within_a_priority()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await Submit(priority: 1)).Id);

        var leased = new List<string>();
        for (var i = 0; i < 5; i++) leased.Add((await LeaseOne())!.Id);

        Assert.Equal(ids, leased);
    }

    [Fact]
    public async Task Lease_sets_the_attempt_worker_and_lease_expiry()
    {
        var job = await SubmitAndLease(worker: "gpu-box-1");

        Assert.Equal(JobState.Running, job.State);
        Assert.Equal(1, job.Attempt);
        Assert.Equal("gpu-box-1", job.WorkerId);
        Assert.Equal(Time.GetUtcNow() + LeaseDuration, job.LeaseExpiresAt);
        Assert.Equal(Time.GetUtcNow(), job.StartedAt);
        Assert.Equal("a red fox", job.Payload.GetProperty("prompt").GetString());
        Assert.Equal(new JobAttempt(1, "gpu-box-1", Time.GetUtcNow()), job.Attempts.Single());
        Assert.Equal(1, (await Counts()).Running);
        Assert.Equal(0, (await Counts()).Queued);
    }

    [Fact]
    public async Task Lease_only_takes_types_the_worker_runs()
    {
        await Submit(type: "comfyui", priority: 10);
        var command = await Submit(type: "command");

        Assert.Null(await LeaseOne(Lease("w", "a1111")));
        Assert.Equal(command.Id, (await LeaseOne(Lease("w", "command", "a1111")))!.Id);
    }

    [Fact]
    public async Task Lease_honours_labels_models_and_free_vram()
    {
        var needsEverything = await Submit(NewJob(priority: 10) with
        {
            Requirements = new JobRequirements(["region=eu"], ["sdxl.safetensors"], 20_000),
        });
        var plain = await Submit(NewJob(priority: 0));

        var weak = Lease("small") with { Capabilities = new WorkerCapabilities(["region=eu"], ["SDXL.safetensors"], 8_000) };
        Assert.Equal(plain.Id, (await LeaseOne(weak))!.Id);

        var wrongRegion = Lease("us") with { Capabilities = new WorkerCapabilities(["region=us"], ["sdxl.safetensors"], 40_000) };
        Assert.Null(await LeaseOne(wrongRegion));

        var strong = Lease("big") with { Capabilities = new WorkerCapabilities(["region=eu", "nvme"], ["sdxl.safetensors"], 24_000) };
        Assert.Equal(needsEverything.Id, (await LeaseOne(strong))!.Id);
    }

    [Fact]
    public async Task Lease_takes_up_to_max_jobs_in_order()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await Submit(priority: i)).Id);

        var leased = await Store.LeaseAsync(Lease() with { MaxJobs = 3 }, None);

        Assert.Equal(new[] { ids[4], ids[3], ids[2] }, leased.Select(j => j.Id));
        Assert.All(leased, j => Assert.Equal(JobState.Running, j.State));
    }

    [Fact]
    public async Task Lease_takes_jobs_of_the_same_batch_together()
    {
        await Submit(NewJob(priority: 5));
        var a = await Submit(NewJob(priority: 9) with { BatchKey = "set-7" });
        await Submit(NewJob(priority: 8));
        var b = await Submit(NewJob(priority: 1) with { BatchKey = "set-7" });
        var c = await Submit(NewJob(priority: 0) with { BatchKey = "set-7" });

        var leased = await Store.LeaseAsync(Lease() with { MaxJobs = 4 }, None);

        Assert.Equal(new[] { a.Id, b.Id, c.Id }, leased.Select(j => j.Id));
    }

    [Fact]
    public async Task Lease_of_several_fills_with_the_next_best_when_the_first_has_no_batch()
    {
        var first = await Submit(NewJob(priority: 9));
        var batched = await Submit(NewJob(priority: 8) with { BatchKey = "set-7" });
        await Submit(NewJob(priority: 0) with { BatchKey = "set-7" });
        var plain = await Submit(NewJob(priority: 5));

        var leased = await Store.LeaseAsync(Lease() with { MaxJobs = 3 }, None);

        Assert.Equal(3, leased.Select(j => j.Id).Distinct().Count());
        Assert.Equal(new[] { first.Id, batched.Id, plain.Id }, leased.Select(j => j.Id));
    }

    [Fact]
    public async Task Lease_takes_only_from_the_queues_asked_for()
    {
        await Submit(queue: "previews", priority: 10);
        var final = await Submit(queue: "finals");

        Assert.Equal(final.Id, (await LeaseOne(Lease() with { Queues = ["finals"] }))!.Id);
        Assert.Null(await LeaseOne(Lease() with { Queues = ["finals", "unknown"] }));
    }

    [Fact]
    public async Task Lease_skips_paused_queues_until_they_resume()
    {
        var job = await Submit(queue: "finals");
        var ready = new List<string>();
        Store.Signals.JobsReady += ready.Add;

        var paused = await Store.SetQueuePausedAsync("finals", paused: true, None);
        Assert.True(paused.Paused);
        Assert.Null(await LeaseOne());

        await Store.SetQueuePausedAsync("finals", paused: false, None);
        Assert.Contains("finals", ready);
        Assert.Equal(job.Id, (await LeaseOne())!.Id);
    }

    [Fact]
    public async Task Lease_never_gives_one_job_to_two_workers()
    {
        await Store.EnqueueAsync([.. Enumerable.Range(0, 200).Select(_ => NewJob())], None);

        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var mine = new List<string>();
            while ((await Store.LeaseAsync(Lease($"w{w}") with { MaxJobs = 3 }, None)) is { Count: > 0 } leased)
                mine.AddRange(leased.Select(j => j.Id));
            return mine;
        }));
        var all = (await Task.WhenAll(workers)).SelectMany(ids => ids).ToList();

        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
        Assert.Equal(200, (await Counts()).Running);
    }

    [Fact]
    public async Task Lease_on_an_empty_store_returns_nothing()
    {
        Assert.Empty(await Store.LeaseAsync(Lease() with { MaxJobs = 5 }, None));
    }
}
