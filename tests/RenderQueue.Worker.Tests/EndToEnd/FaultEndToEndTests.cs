using System.Diagnostics;
using RenderQueue.Core.Jobs;
using RenderQueue.Worker.Tests.Fakes;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.EndToEnd;

/// <summary>What ComfyUI's failures become on the server: failed once, retried, lost then retried, canceled.</summary>
public sealed class FaultEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FakeComfyUI _comfy = null!;
    private ServerApp _server = null!;
    private WorkerHost _worker = null!;

    public async Task InitializeAsync()
    {
        _comfy = await FakeComfyUI.StartAsync();
        _server = new ServerApp();
        _worker = await WorkerHost.StartAsync(_server.Address, "--comfyui", _comfy.Url.ToString());
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        _server.Dispose();
        await _comfy.DisposeAsync();
    }

    [Fact]
    public async Task An_invalid_workflow_fails_once_without_retry_with_the_node_errors_in_the_job_error()
    {
        var client = _server.NewClient();
        var workflow = Fixtures.Txt2ImgWorkflow.Replace("v1-5-pruned-emaonly.safetensors", "missing.safetensors", StringComparison.Ordinal);

        var submitted = await client.SubmitAsync(Jobs.Request("comfyui", workflow, maxAttempts: 3));
        var job = await client.WaitForFinishedAsync(submitted.Id);

        Jobs.AssertState(JobState.Failed, job);
        Assert.Single(job.Attempts);
        Assert.Equal(ErrorClasses.InvalidInput, job.Error!.Class);
        var nodeError = job.Error.Details!.Value.GetProperty("node_errors").GetProperty("4");
        Assert.Equal("CheckpointLoaderSimple", nodeError.GetProperty("class_type").GetString());
        Assert.Equal("value_not_in_list", nodeError.GetProperty("errors")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Out_of_memory_is_retried_then_fails_as_oom_after_max_attempts()
    {
        _comfy.OutOfMemoryFaults = 100;
        var client = _server.NewClient();

        var submitted = await client.SubmitAsync(Jobs.Request("comfyui", Fixtures.Txt2ImgWorkflow, maxAttempts: 3));
        var job = await client.WaitForFinishedAsync(submitted.Id);

        Jobs.AssertState(JobState.Failed, job);
        Assert.Equal(3, job.Attempts.Count);
        Assert.All(job.Attempts, a => Assert.Equal(ErrorClasses.OutOfMemory, a.Error?.Class));
        Assert.Equal(ErrorClasses.OutOfMemory, job.Error!.Class);
        Assert.Equal(3, _comfy.Executed);
    }

    [Fact]
    public async Task A_comfyui_restart_mid_job_loses_the_first_attempt_and_the_second_succeeds()
    {
        _comfy.RestartAtStep = 5;
        var client = _server.NewClient();

        var submitted = await client.SubmitAsync(Jobs.Request("comfyui", Fixtures.Txt2ImgWorkflow, maxAttempts: 3));
        var job = await client.WaitForFinishedAsync(submitted.Id);

        Jobs.AssertState(JobState.Succeeded, job);
        Assert.Equal(2, job.Attempts.Count);
        Assert.Equal(ErrorClasses.Lost, job.Attempts[0].Error?.Class);
        Assert.Equal(1, _comfy.Restarts);
        Assert.Single(job.Artifacts);
    }

    [Fact]
    public async Task Cancel_while_running_interrupts_that_prompt_and_the_job_is_canceled_within_2_seconds()
    {
        _comfy.StepDelay = TimeSpan.FromMilliseconds(100);
        var client = _server.NewClient();
        var submitted = await client.SubmitAsync(Jobs.Request("comfyui", Fixtures.Txt2ImgWorkflow));
        await WaitForProgressAsync(client, submitted.Id, 2);

        var clock = Stopwatch.StartNew();
        await client.CancelAsync(submitted.Id, "changed my mind");
        var job = await client.WaitForFinishedAsync(submitted.Id);
        clock.Stop();

        Jobs.AssertState(JobState.Canceled, job);
        output.WriteLine($"cancel → canceled: {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"canceled after {clock.Elapsed}");
        var promptId = Assert.Single(_comfy.Prompts)["prompt_id"]!.GetValue<string>();
        Assert.Contains(promptId, _comfy.Interrupts);
        Assert.DoesNotContain("*", _comfy.Interrupts);
    }

    private static async Task WaitForProgressAsync(RenderQueue.Client.RenderQueueClient client, string jobId, double value)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while ((await client.GetJobAsync(jobId)).Progress is not { Max: 20 } p || p.Value < value)
        {
            if (DateTime.UtcNow > until) Assert.Fail($"Job {jobId} never reached step {value}.");
            await Task.Delay(20);
        }
    }
}
