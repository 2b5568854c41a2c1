using System.Diagnostics;
using System.Text.Json;
using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;

namespace RenderQueue.Dashboard.Tests.Support;

/// <summary>Submitting jobs and waiting on them through the public API.</summary>
internal static class Jobs
{
    public static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value, RenderQueueJson.Options);

    /// <summary>A job for the simulated runner: <paramref name="seconds"/> of work in <paramref name="steps"/> progress steps.</summary>
    public static SubmitJobRequest Simulated(string queue, double seconds, int steps = 10, object? metadata = null, int priority = 0,
        string? fail = null, int? failAttempts = null, int size = 64) => new()
    {
        Type = "simulated",
        Queue = queue,
        Priority = priority,
        Payload = Json(new { Duration = seconds, Steps = steps, Width = size, Height = size, Fail = fail, FailAttempts = failAttempts }),
        Metadata = metadata is null ? null : Json(metadata),
    };

    /// <summary>A job no simulated worker runs (type <c>comfyui</c>): it stays queued unless a test acts on it.</summary>
    public static SubmitJobRequest Idle(string queue, object? metadata = null, int priority = 0) => new()
    {
        Type = "comfyui",
        Queue = queue,
        Priority = priority,
        Payload = Json(new Dictionary<string, object> { ["prompt"] = new Dictionary<string, object> { ["3"] = new { class_type = "KSampler" } } }),
        Metadata = metadata is null ? null : Json(metadata),
    };

    /// <summary>Polls the job until <paramref name="condition"/> holds; fails after a generous bound.</summary>
    public static async Task<Job> WaitForAsync(this RenderQueueClient api, string id, Func<Job, bool> condition, string what, int seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var job = await api.GetJobAsync(id);
            if (condition(job)) return job;
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
                Assert.Fail($"Job {id} did not become {what} within {seconds} s; it is {job.State.ToWire()} (attempt {job.Attempt}, progress {job.Progress?.Value}/{job.Progress?.Max}).");
            await Task.Delay(100);
        }
    }

    public static Task<Job> WaitForStateAsync(this RenderQueueClient api, string id, JobState state, int seconds = 30) =>
        api.WaitForAsync(id, j => j.State == state, state.ToWire(), seconds);
}

/// <summary>
/// A worker the test drives by hand through the worker API, for outcomes a simulated run cannot produce on cue:
/// a failure with a chosen message, a non-image output. It runs jobs of type <c>manual</c> only.
/// </summary>
internal sealed class ManualWorker(RenderQueueClient api, string id)
{
    public const string Type = "manual";

    public static async Task<ManualWorker> RegisterAsync(RenderQueueClient api, string id, string? name = null,
        IReadOnlyList<Core.Workers.GpuInfo>? gpus = null, IReadOnlyList<string>? models = null)
    {
        await api.RegisterWorkerAsync(new Core.Workers.WorkerRegistration
        {
            Id = id, Name = name ?? id, Types = [Type], Gpus = gpus ?? [], Models = models ?? [], Host = "test-host", Version = "1.0.0",
        });
        return new ManualWorker(api, id);
    }

    public static SubmitJobRequest Job(string queue, object? metadata = null) => new()
    {
        Type = Type, Queue = queue, Payload = Jobs.Json(new { Step = "by hand" }), Metadata = metadata is null ? null : Jobs.Json(metadata),
    };

    /// <summary>Leases the next manual job (waiting up to 10 s for one).</summary>
    public async Task<Job> LeaseAsync()
    {
        var leased = await api.LeaseAsync(new LeaseJobsRequest { WorkerId = id, Wait = TimeSpan.FromSeconds(10) });
        return Assert.Single(leased.Jobs);
    }
}

internal static class Workers
{
    /// <summary>Polls the worker registry until <paramref name="condition"/> holds for the worker.</summary>
    public static async Task<Core.Workers.WorkerInfo> WaitForWorkerAsync(this RenderQueueClient api, string id, Func<Core.Workers.WorkerInfo, bool> condition, int seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var worker = (await api.ListWorkersAsync()).Single(w => w.Id == id);
            if (condition(worker)) return worker;
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail($"Worker {id} did not reach the expected state within {seconds} s; it is {worker.Status}.");
            await Task.Delay(100);
        }
    }
}

internal static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds; fails after a generous bound.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, int seconds = 20) =>
        TrueAsync(() => Task.FromResult(condition()), what, seconds);

    /// <summary>Waits until <paramref name="condition"/> holds; fails after a generous bound.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail($"Not {what} within {seconds} s.");
            await Task.Delay(50);
        }
    }
}
