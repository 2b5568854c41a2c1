using RenderQueue.Core.Jobs;
using RenderQueue.Processes;
using RenderQueue.Worker.Tests.Fakes;
using RenderQueue.Worker.Tests.Runners;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.EndToEnd;

/// <summary>Server (in process, real HTTP) + worker (as the program composes it) + a fake backend, all on loopback.</summary>
public sealed class RunnerEndToEndTests
{
    [Fact]
    public async Task ComfyUI_fixture_workflow_goes_queued_running_with_progress_1_to_20_then_succeeded_with_a_downloadable_png()
    {
        await using var comfy = await FakeComfyUI.StartAsync();
        comfy.StepDelay = TimeSpan.FromMilliseconds(60);
        using var server = new ServerApp();
        await using var worker = await WorkerHost.StartAsync(server.Address, "--comfyui", comfy.Url.ToString());
        var client = server.NewClient();

        var submitted = await client.SubmitAsync(Jobs.Request("comfyui", Fixtures.Txt2ImgWorkflow));
        var job = await client.WaitForFinishedAsync(submitted.Id);

        Jobs.AssertState(JobState.Succeeded, job);
        var events = await client.EventsAsync(job.Id);
        var states = events.Select(e => e.State).Distinct().ToList();
        Assert.Equal([JobState.Queued, JobState.Running, JobState.Succeeded], states);
        var steps = events.Where(e => e.Type == JobEventTypes.Progress && e.Progress is { Max: 20 }).Select(e => e.Progress!.Value).Distinct().ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (double)i), steps);
        var artifact = Assert.Single(job.Artifacts);
        Assert.Equal("ComfyUI_00001_.png", artifact.Name);
        Assert.Equal("image/png", artifact.ContentType);
        Assert.Equal((64, 64), Png.AssertValid(await client.DownloadAsync(job.Id, artifact.Name)));
        Assert.Equal(Assert.Single(comfy.Prompts)["prompt_id"]!.GetValue<string>(), job.Result!.Value.GetProperty("prompt_id").GetString());
    }

    [Fact]
    public async Task A1111_txt2img_succeeds_with_png_artifacts_and_the_real_seed()
    {
        await using var a1111 = await FakeA1111.StartAsync();
        a1111.StepDelay = TimeSpan.FromMilliseconds(20);
        a1111.NextSeed = 777;
        using var server = new ServerApp();
        await using var worker = await WorkerHost.StartAsync(server.Address, "--a1111", a1111.Url.ToString());
        var client = server.NewClient();

        var submitted = await client.SubmitAsync(Jobs.Request("a1111", """{"mode": "txt2img", "request": {"prompt": "a cat", "steps": 10, "seed": -1}}"""));
        var job = await client.WaitForFinishedAsync(submitted.Id);

        Jobs.AssertState(JobState.Succeeded, job);
        Assert.Equal(777, job.Result!.Value.GetProperty("all_seeds")[0].GetInt64());
        var artifact = Assert.Single(job.Artifacts);
        Png.AssertValid(await client.DownloadAsync(job.Id, artifact.Name));
    }

    [Fact]
    public async Task Command_runner_uploads_the_file_a_script_writes()
    {
        using var folder = new TempDirectory("renderqueue-e2e-command");
        var script = CommandRunnerTests.Script(folder, "greet.sh", "printf 'hello %s' \"$1\" > \"$2/greeting.txt\"; echo done");
        using var server = new ServerApp();
        await using var worker = await WorkerHost.StartAsync(server.Address, $"--Worker:Command:Commands:greet:Template={script} {{name}} {{out}}");
        var client = server.NewClient();

        var submitted = await client.SubmitAsync(Jobs.Request("command", """{"command": "greet", "args": {"name": "render farm"}}"""));
        var job = await client.WaitForFinishedAsync(submitted.Id);

        Jobs.AssertState(JobState.Succeeded, job);
        Assert.Equal("hello render farm", System.Text.Encoding.UTF8.GetString(await client.DownloadAsync(job.Id, "greeting.txt")));
        Assert.Contains("done", job.Result!.Value.GetProperty("stdout_tail").GetString(), StringComparison.Ordinal);
    }
}
