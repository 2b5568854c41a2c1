using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Jobs;
using RenderQueue.Worker.A1111;
using RenderQueue.Worker.Tests.Fakes;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.Runners;

public sealed class A1111RunnerTests : IAsyncLifetime
{
    private FakeA1111 _a1111 = null!;
    private A1111Runner _runner = null!;

    public async Task InitializeAsync()
    {
        _a1111 = await FakeA1111.StartAsync();
        _runner = CreateRunner(_a1111.Url);
    }

    public async Task DisposeAsync() => await _a1111.DisposeAsync();

    internal static A1111Runner CreateRunner(Uri url) => new(Options.Create(new A1111Options
    {
        Urls = [url],
        ProgressInterval = TimeSpan.FromMilliseconds(20),
        CancelGrace = TimeSpan.FromSeconds(2),
    }), TimeProvider.System, NullLogger<A1111Runner>.Instance);

    [Fact]
    public async Task Txt2img_returns_png_artifacts_and_the_real_seeds_from_info()
    {
        _a1111.StepDelay = TimeSpan.FromMilliseconds(30);
        _a1111.NextSeed = 424242;
        var run = new RecordingRun("""{"mode": "txt2img", "request": {"prompt": "a cat", "steps": 10, "batch_size": 2, "seed": -1}}""");

        var result = await _runner.RunAsync(run.Run, CancellationToken.None);

        Assert.Equal(["image-1.png", "image-2.png"], run.Artifacts.Keys.Order(StringComparer.Ordinal));
        foreach (var (_, (type, data)) in run.Artifacts)
        {
            Assert.Equal("image/png", type);
            Png.AssertValid(data);
        }
        Assert.Equal(424242, result!.Value.GetProperty("seed").GetInt64());
        Assert.Equal([424242L, 424243L], result.Value.GetProperty("all_seeds").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal("v1.10.1", result.Value.GetProperty("info").GetProperty("version").GetString());
        Assert.Contains(run.Progress, p => p.Max == 10 && p.Value > 0);
    }

    [Fact]
    public async Task Generation_requests_are_serialised_while_progress_stays_answerable()
    {
        _a1111.StepDelay = TimeSpan.FromMilliseconds(20);
        using var http = new HttpClient { BaseAddress = _a1111.Url };
        var body = """{"prompt": "x", "steps": 5}""";
        var requests = Enumerable.Range(0, 3).Select(_ => http.PostAsync("sdapi/v1/txt2img", new StringContent(body, System.Text.Encoding.UTF8, "application/json"))).ToList();
        var progress = await http.GetStringAsync("sdapi/v1/progress?skip_current_image=true");

        await Task.WhenAll(requests);

        Assert.All(requests, r => Assert.True(r.Result.IsSuccessStatusCode));
        Assert.Equal(1, _a1111.MaxConcurrentGenerations);
        Assert.Contains("\"job_count\"", progress, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Out_of_memory_is_a_retryable_oom()
    {
        _a1111.OutOfMemoryFaults = 1;

        var failure = await Assert.ThrowsAsync<JobFailedException>(() =>
            _runner.RunAsync(new RecordingRun("""{"request": {"prompt": "a cat", "steps": 5}}""").Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.OutOfMemory, failure.Error.Class);
        Assert.True(failure.Retryable);
        Assert.Contains("CUDA out of memory", failure.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"mode": "txt2img", "request": {"steps": "many"}}""", "422")]
    [InlineData("""{"mode": "txt2img", "request": {"steps": 5, "sampler_name": "Nope"}}""", "400")]
    [InlineData("""{"mode": "img2img", "request": {"steps": 5}}""", "404")]
    public async Task Requests_a1111_refuses_are_invalid_input(string payload, string status)
    {
        var failure = await Assert.ThrowsAsync<JobFailedException>(() => _runner.RunAsync(new RecordingRun(payload).Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.InvalidInput, failure.Error.Class);
        Assert.False(failure.Retryable);
        Assert.Contains($"answered {status}", failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_400_with_empty_errors_keeps_its_detail_in_the_message()
    {
        var failure = await Assert.ThrowsAsync<JobFailedException>(() =>
            _runner.RunAsync(new RecordingRun("""{"request": {"steps": 5, "sampler_name": "Nope"}}""").Run, CancellationToken.None));

        Assert.EndsWith("answered 400 HTTPException: Sampler not found", failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_interrupts_a1111_and_drops_the_partial_images()
    {
        _a1111.StepDelay = TimeSpan.FromMilliseconds(100);
        var run = new RecordingRun("""{"request": {"prompt": "a cat", "steps": 50}}""");
        using var cancel = new CancellationTokenSource();
        var running = _runner.RunAsync(run.Run, cancel.Token);
        await ComfyUIRunnerTests.WaitUntil(() => run.Progress.Any(p => p.Max == 50));

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(1, _a1111.Interrupts);
        Assert.Empty(run.Artifacts);
    }

    [Fact]
    public async Task A_crash_mid_request_is_lost()
    {
        _a1111.CrashAtStep = 2;

        var failure = await Assert.ThrowsAsync<JobFailedException>(() =>
            _runner.RunAsync(new RecordingRun("""{"request": {"steps": 5}}""").Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.Lost, failure.Error.Class);
        Assert.True(failure.Retryable);
    }

    [Fact]
    public async Task Models_list_names_titles_and_file_names()
    {
        var models = await _runner.GetModelsAsync(CancellationToken.None);

        Assert.Contains("v1-5-pruned-emaonly", models);
        Assert.Contains("v1-5-pruned-emaonly.safetensors", models);
        Assert.Contains("v1-5-pruned-emaonly.safetensors [6ce0161689]", models);
    }

    [Fact]
    public void Progress_counts_steps_over_every_batch()
    {
        var answer = JsonNode.Parse("""{"progress": 0.6, "state": {"job": "scripts_txt2img", "job_count": 2, "job_no": 1, "sampling_step": 5, "sampling_steps": 20}}""")!;

        var progress = A1111Runner.ToProgress(System.Text.Json.JsonSerializer.SerializeToElement(answer));

        Assert.Equal(new JobProgress(25, 40, "scripts_txt2img"), progress);
        Assert.Null(A1111Runner.ToProgress(System.Text.Json.JsonSerializer.SerializeToElement(JsonNode.Parse("""{"state": {"job_count": 0}}"""))));
    }
}
