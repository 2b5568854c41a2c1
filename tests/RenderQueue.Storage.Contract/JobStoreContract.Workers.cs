using RenderQueue.Core.Workers;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    [Fact]
    public async Task A_registered_worker_is_listed_online_with_its_capabilities()
    {
        var registration = new WorkerRegistration
        {
            Id = "gpu-box-1",
            Name = "GPU box 1",
            Types = ["comfyui", "simulated"],
            Queues = ["finals"],
            Labels = ["region=eu"],
            Models = ["sdxl.safetensors"],
            Gpus = [new GpuInfo(0, "NVIDIA RTX 4090", 24_564, 23_000)],
            Concurrency = 2,
        };

        var registered = await Store.RegisterWorkerAsync(registration, None);
        var listed = (await Store.ListWorkersAsync(None)).Single();

        Assert.Equal("gpu-box-1", registered.Id);
        Assert.Equal(WorkerStatus.Online, listed.Status);
        Assert.Equal(["comfyui", "simulated"], listed.Registration.Types);
        Assert.Equal(["finals"], listed.Registration.Queues);
        Assert.Equal("NVIDIA RTX 4090", listed.Registration.Gpus.Single().Name);
        Assert.Equal(23_000, listed.FreeVramMb);
        Assert.Equal(Time.GetUtcNow(), listed.LastSeenAt);
    }

    [Fact]
    public async Task A_worker_without_an_id_is_given_one()
    {
        var registered = await Store.RegisterWorkerAsync(new WorkerRegistration { Name = "anonymous", Types = ["simulated"] }, None);

        Assert.False(string.IsNullOrEmpty(registered.Id));
        Assert.Equal(registered.Id, (await Store.ListWorkersAsync(None)).Single().Id);
    }

    [Fact]
    public async Task Heartbeats_keep_a_worker_online_and_update_its_jobs_and_gpus()
    {
        await RegisterWorker("w1");
        Time.Advance(TimeSpan.FromSeconds(50));
        var beat = await Store.HeartbeatAsync("w1", new WorkerHeartbeat
        {
            CurrentJobs = ["job-a"],
            Gpus = [new GpuInfo(0, "L4", 23_034, 10_000)],
        }, None);
        Time.Advance(TimeSpan.FromSeconds(50));

        var listed = (await Store.ListWorkersAsync(None)).Single();
        Assert.Equal(WorkerStatus.Online, listed.Status);
        Assert.Equal(["job-a"], listed.CurrentJobs);
        Assert.Equal(10_000, listed.FreeVramMb);
        Assert.False(beat.DrainRequested);

        Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(WorkerStatus.Offline, (await Store.ListWorkersAsync(None)).Single().Status);
    }

    [Fact]
    public async Task A_worker_whose_backends_all_fail_is_unhealthy_with_their_reasons_until_one_answers()
    {
        await Store.RegisterWorkerAsync(new WorkerRegistration
        {
            Id = "w1",
            Name = "w1",
            Types = ["comfyui"],
            Backends = [new BackendInfo("comfyui-0", "comfyui", "http://127.0.0.1:8188", 0, LoadedModels: ["a.safetensors"])],
        }, None);
        Assert.Equal(WorkerStatus.Online, (await Store.ListWorkersAsync(None)).Single().Status);

        await Store.HeartbeatAsync("w1", new WorkerHeartbeat
        {
            Backends = [new BackendInfo("comfyui-0", "comfyui", "http://127.0.0.1:8188", 0, BackendState.Unhealthy, "connection refused")],
        }, None);
        var sick = (await Store.ListWorkersAsync(None)).Single();
        Assert.Equal(WorkerStatus.Unhealthy, sick.Status);
        Assert.Equal("comfyui-0: connection refused", sick.StatusReason);

        await Store.HeartbeatAsync("w1", new WorkerHeartbeat { CurrentJobs = [] }, None); // no backends sent: the last ones stay
        Assert.Equal(WorkerStatus.Unhealthy, (await Store.ListWorkersAsync(None)).Single().Status);

        await Store.HeartbeatAsync("w1", new WorkerHeartbeat
        {
            Backends = [new BackendInfo("comfyui-0", "comfyui", "http://127.0.0.1:8188", 0, BackendState.Loading, LoadedModels: ["b.safetensors"])],
        }, None);
        var back = (await Store.ListWorkersAsync(None)).Single();
        Assert.Equal(WorkerStatus.Online, back.Status);
        Assert.Null(back.StatusReason);
        Assert.Equal(["b.safetensors"], back.Registration.Backends.Single().LoadedModels);

        await Store.RequestDrainAsync("w1", None);
        await Store.HeartbeatAsync("w1", new WorkerHeartbeat
        {
            Backends = [new BackendInfo("comfyui-0", "comfyui", null, 0, BackendState.Unhealthy, "down")],
        }, None);
        Assert.Equal(WorkerStatus.Draining, (await Store.ListWorkersAsync(None)).Single().Status); // draining outranks unhealthy
    }

    [Fact]
    public async Task A_drain_request_reaches_the_worker_in_its_next_heartbeat()
    {
        await RegisterWorker("w1");

        var requested = await Store.RequestDrainAsync("w1", None);
        var beat = await Store.HeartbeatAsync("w1", new WorkerHeartbeat { Draining = true }, None);

        Assert.True(requested.DrainRequested);
        Assert.True(beat.DrainRequested);
        Assert.Equal(WorkerStatus.Draining, (await Store.ListWorkersAsync(None)).Single().Status);
    }

    [Fact]
    public async Task A_heartbeat_from_an_unknown_worker_is_refused()
    {
        await Assert.ThrowsAsync<WorkerNotFoundException>(() => Store.HeartbeatAsync("ghost", new WorkerHeartbeat(), None));
        await Assert.ThrowsAsync<WorkerNotFoundException>(() => Store.RequestDrainAsync("ghost", None));
    }

    [Fact]
    public async Task Queues_are_listed_with_counts_and_pause_state()
    {
        await Submit(queue: "finals");
        await Submit(queue: "finals");
        await Submit(queue: "previews");
        await Store.SetQueuePausedAsync("previews", paused: true, None);

        var queues = await Store.ListQueuesAsync(None);

        Assert.Equal(["finals", "previews"], queues.Select(q => q.Name));
        Assert.Equal(2, queues[0].Counts.Queued);
        Assert.False(queues[0].Paused);
        Assert.True(queues[1].Paused);
    }
}
