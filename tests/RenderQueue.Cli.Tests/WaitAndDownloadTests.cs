using RenderQueue.Core.Jobs;

namespace RenderQueue.Cli.Tests;

public sealed class WaitAndDownloadTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Submit_wait_follows_the_job_then_downloads_its_outputs_and_marks_it_collected()
    {
        var waiting = _cli.RunAsync("submit", _cli.Fixture("txt2img.api.json"), "--wait");
        var job = await new WorkerLoop(_cli.Client).RunOneAsync("ComfyUI_00001_.png", "ComfyUI_00002_.png");

        var result = await waiting;
        Assert.True(result.ExitCode == 0, result.ToString());
        var folder = Path.Combine(_cli.Folder, "renderq-out", job.Id);
        Assert.Equal([Path.Combine(folder, "ComfyUI_00001_.png"), Path.Combine(folder, "ComfyUI_00002_.png")], result.OutLines);
        Assert.Equal(WorkerLoop.Png, await File.ReadAllBytesAsync(result.OutLines[0]));
        Assert.NotNull((await _cli.Client.GetJobAsync(job.Id)).CollectedAt);
    }

    [Fact]
    public async Task Submit_wait_json_prints_the_finished_job_and_out_chooses_the_folder()
    {
        var waiting = _cli.RunAsync("submit", _cli.Fixture("txt2img.api.json"), "--wait", "--json", "--out", "renders");
        var job = await new WorkerLoop(_cli.Client).RunOneAsync("fox.png");

        var result = await waiting;
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("succeeded", result.Json().GetProperty("state").GetString());
        Assert.Equal(job.Id, result.Json().GetProperty("id").GetString());
        Assert.True(File.Exists(Path.Combine(_cli.Folder, "renders", "fox.png")));
    }

    [Fact]
    public async Task Submit_wait_exits_4_when_the_job_fails()
    {
        var waiting = _cli.RunAsync("submit", _cli.Fixture("txt2img.api.json"), "--wait");
        var job = await new WorkerLoop(_cli.Client).FailOneAsync("CUDA out of memory");

        var result = await waiting;
        Assert.Equal(4, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.Equal($"renderq: job {job.Id} failed (oom): CUDA out of memory", result.Error.Trim());
    }

    [Fact]
    public async Task Download_by_state_saves_every_output_marks_jobs_collected_and_skips_them_next_time()
    {
        var worker = new WorkerLoop(_cli.Client);
        await _cli.Client.SubmitBatchAsync([Job(), Job(), Job()]);
        var first = await worker.RunOneAsync("a.png", "b.png");
        var second = await worker.RunOneAsync("a.png");

        var result = await _cli.RunAsync("download", "--state", "succeeded", "--out", "set");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, result.OutLines.Length);
        Assert.Equal(WorkerLoop.Png, await File.ReadAllBytesAsync(Path.Combine(_cli.Folder, "set", first.Id, "b.png")));
        Assert.True(File.Exists(Path.Combine(_cli.Folder, "set", second.Id, "a.png")));
        Assert.NotNull((await _cli.Client.GetJobAsync(first.Id)).CollectedAt);
        Assert.NotNull((await _cli.Client.GetJobAsync(second.Id)).CollectedAt);
        Assert.Single((await _cli.Client.ListJobsAsync(new() { States = [JobState.Queued] })).Items);

        var again = await _cli.RunAsync("download", "--state", "succeeded", "--out", "set");
        Assert.Equal(0, again.ExitCode);
        Assert.Empty(again.Out);
    }

    [Fact]
    public async Task Download_by_id_keeps_identical_files_and_reports_unknown_jobs()
    {
        await _cli.Client.SubmitAsync(Job());
        var job = await new WorkerLoop(_cli.Client).RunOneAsync("out.png");
        var path = Path.Combine(_cli.Folder, "renderq-out", job.Id, "out.png");

        Assert.Equal(0, (await _cli.RunAsync("download", job.Id)).ExitCode);
        // Same size and time but other bytes: only a skipped download leaves these in place.
        var written = File.GetLastWriteTimeUtc(path);
        var marker = new byte[WorkerLoop.Png.Length];
        await File.WriteAllBytesAsync(path, marker);
        File.SetLastWriteTimeUtc(path, written);

        var missing = JobId.New(TimeProvider.System);
        var again = await _cli.RunAsync("download", job.Id, missing);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal([path], again.OutLines);
        Assert.Contains($"{missing}: 404 Job not found", again.Error);
        Assert.Equal(marker, await File.ReadAllBytesAsync(path));
        Assert.Equal(["out.png"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));

        var both = await _cli.RunAsync("download", job.Id, "--state", "succeeded");
        Assert.Equal(2, both.ExitCode);
    }

    private static Core.Api.SubmitJobRequest Job() =>
        new() { Type = "simulated", Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement };
}
