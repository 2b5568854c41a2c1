using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;
using RenderQueue.Processes;
using RenderQueue.Worker.Runtime.Imaging;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Worker.Runtime.Simulated;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.Runners;

public sealed class SimulatedRunnerTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly TempDirectory _folder = new("renderqueue-simulated");

    public void Dispose() => _folder.Dispose();

    /// <summary>Moves the clock one 2 s step at a time: FakeTimeProvider fires timers with the clock already at the
    /// target, so the delay a step's callback starts would not come due within one longer advance.</summary>
    private void Steps(int count)
    {
        for (var i = 0; i < count; i++) _clock.Advance(TimeSpan.FromSeconds(2));
    }

    private SimulatedRunner Runner(string? ledger = null) => new(Options.Create(new SimulatedRunnerOptions { LedgerFolder = ledger }), _clock);

    [Fact]
    public async Task Steps_advance_with_the_clock_and_a_valid_png_is_written()
    {
        var run = new RecordingRun("""{"duration": 10, "steps": 5, "width": 32, "height": 16}""");
        var running = Runner().RunAsync(run.Run, CancellationToken.None);

        Assert.Equal([0.0], run.Progress.Select(p => p.Value));
        Steps(2);
        Assert.Equal([0.0, 1, 2], run.Progress.Select(p => p.Value));
        Steps(3);
        var result = await running;

        Assert.Equal([0.0, 1, 2, 3, 4, 5], run.Progress.Select(p => p.Value));
        var (name, artifact) = Assert.Single(run.Artifacts);
        Assert.Equal("simulated.png", name);
        Assert.Equal((32, 16), Png.AssertValid(artifact.Data));
        Assert.Equal(5, result!.Value.GetProperty("steps").GetInt32());
    }

    [Fact]
    public async Task Fail_oom_fails_retryably_and_fail_attempts_limits_it_to_the_first_attempts()
    {
        var first = new RecordingRun("""{"duration": 0, "fail": "oom", "fail_attempts": 1}""", attempt: 1);
        var failure = await Assert.ThrowsAsync<JobFailedException>(() => Runner().RunAsync(first.Run, CancellationToken.None));
        Assert.Equal(ErrorClasses.OutOfMemory, failure.Error.Class);
        Assert.True(failure.Retryable);

        var second = new RecordingRun("""{"duration": 0, "fail": "oom", "fail_attempts": 1}""", attempt: 2);
        await Runner().RunAsync(second.Run, CancellationToken.None);
        Assert.Single(second.Artifacts);
    }

    [Theory]
    [InlineData("""{"duration": -1}""")]
    [InlineData("""{"steps": 2.5}""")]
    [InlineData("""{"width": 100000}""")]
    [InlineData("""{"fail": 3}""")]
    [InlineData("""{"color": "red"}""")]
    [InlineData("[]")]
    public async Task Bad_payloads_are_invalid_input(string payload)
    {
        var failure = await Assert.ThrowsAsync<JobFailedException>(() => Runner().RunAsync(new RecordingRun(payload).Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.InvalidInput, failure.Error.Class);
    }

    [Fact]
    public async Task The_ledger_gets_a_start_and_an_end_line_per_execution()
    {
        var ledger = _folder.File("ledger");
        await Runner(ledger).RunAsync(new RecordingRun("""{"duration": 0}""", jobId: "job-a", attempt: 1).Run, CancellationToken.None);
        await Assert.ThrowsAsync<JobFailedException>(() => Runner(ledger).RunAsync(new RecordingRun("""{"duration": 0, "fail": "error"}""", jobId: "job-b", attempt: 2).Run, CancellationToken.None));
        using var cancel = new CancellationTokenSource();
        var third = new RecordingRun("""{"duration": 60}""", jobId: "job-c", attempt: 1);
        var canceled = Runner(ledger).RunAsync(third.Run, cancel.Token);
        await ComfyUIRunnerTests.WaitUntil(() => third.Progress.Count > 0);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);

        var pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var lines = File.ReadAllLines(Path.Combine(ledger, pid + ".tsv")).Select(l => l.Split('\t')).ToList();
        Assert.Equal(["start job-a 1", "end job-a 1 succeeded", "start job-b 2", "end job-b 2 failed:error", "start job-c 1", "end job-c 1 canceled"],
            lines.Select(l => l.Length == 6 ? $"{l[0]} {l[1]} {l[2]} {l[5]}" : $"{l[0]} {l[1]} {l[2]}"));
        Assert.All(lines, l => Assert.Equal(pid, l[3]));
    }

    [Fact]
    public async Task Concurrent_executions_in_one_process_never_overwrite_each_others_ledger_lines()
    {
        var ledger = _folder.File("ledger");
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            new ExecutionLedger(ledger, TimeProvider.System).RecordStartAsync($"job-{i}", 1, CancellationToken.None))));

        var lines = Directory.GetFiles(ledger).SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(200, lines.Count);
        Assert.Equal(200, lines.Select(l => l.Split('\t')[1]).Distinct().Count());
    }

    [Fact]
    public void Png_encoder_writes_what_a_decoder_accepts()
    {
        Assert.Equal((1, 1), Png.AssertValid(PngEncoder.EncodeRgb(1, 1, [255, 0, 0])));
        Assert.Equal((300, 7), Png.AssertValid(PngEncoder.Gradient(300, 7, seed: 9)));
        Assert.Throws<ArgumentException>(() => PngEncoder.EncodeRgb(2, 2, new byte[11]));
    }
}
