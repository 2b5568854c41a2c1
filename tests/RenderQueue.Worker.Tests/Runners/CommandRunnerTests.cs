using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Jobs;
using RenderQueue.Processes;
using RenderQueue.Worker.Command;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.Runners;

public sealed class CommandRunnerTests : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-command");

    public void Dispose() => _folder.Dispose();

    internal static string Script(TempDirectory folder, string name, string body)
    {
        var path = folder.File(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private CommandRunner Runner(params (string Name, CommandDefinition Definition)[] commands) => new(Options.Create(new CommandOptions
    {
        Commands = commands.ToDictionary(c => c.Name, c => c.Definition),
        WorkFolder = _folder.File("work"),
        TailBytes = 1024,
        KillGrace = TimeSpan.FromSeconds(5),
    }), NullLogger<CommandRunner>.Instance);

    [Fact]
    public async Task Payload_values_are_separate_arguments_and_output_files_become_artifacts()
    {
        var script = Script(_folder, "transcribe.sh", """
            printf '%s\n' "$@" > "$2/args.txt"
            echo "hello from stdout"
            mkdir -p "$2/sub" && printf 'subtitle' > "$2/sub/talk.srt"
            """);
        var runner = Runner(("transcribe", new CommandDefinition { Template = $"{script} {{input}} {{out}} --tag=job-{{job_id}}" }));
        var hostile = "talk.wav; rm -rf / $(whoami) `id`";
        var run = new RecordingRun($$$"""{"command": "transcribe", "args": {"input": "{{{hostile}}}"}}""");

        var result = await runner.RunAsync(run.Run, CancellationToken.None);

        var args = System.Text.Encoding.UTF8.GetString(run.Artifacts["args.txt"].Data).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, args.Length);
        Assert.Equal(hostile, args[0]);
        Assert.Equal("--tag=job-" + run.Run.JobId, args[2]);
        Assert.Equal("subtitle", System.Text.Encoding.UTF8.GetString(run.Artifacts["sub_talk.srt"].Data));
        Assert.Equal("application/x-subrip", run.Artifacts["sub_talk.srt"].ContentType);
        Assert.Equal(0, result!.Value.GetProperty("exit_code").GetInt32());
        Assert.Contains("hello from stdout", result.Value.GetProperty("stdout_tail").GetString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(_folder.File("work")));
    }

    [Theory]
    [InlineData("""{"command": "echo", "args": {"other": "x"}}""", "no {other} placeholder")]
    [InlineData("""{"command": "echo", "args": {"text": 5}}""", "must be a string")]
    [InlineData("""{"command": "echo", "args": {}}""", "lack 'text'")]
    [InlineData("""{"command": "echo", "args": {"text": "a", "out": "/etc"}}""", "filled in by the worker")]
    [InlineData("""{"command": "nope", "args": {"text": "a"}}""", "no command 'nope'")]
    public async Task Bad_payloads_are_invalid_input(string payload, string message)
    {
        var runner = Runner(("echo", new CommandDefinition { Template = "echo {text}" }));

        var failure = await Assert.ThrowsAsync<JobFailedException>(() => runner.RunAsync(new RecordingRun(payload).Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.InvalidInput, failure.Error.Class);
        Assert.False(failure.Retryable);
        Assert.Contains(message, failure.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_non_zero_exit_fails_with_the_output_tails_and_the_configured_retryability(bool retryable)
    {
        var script = Script(_folder, "fail.sh", "echo working; echo 'CUDA error: device-side assert' >&2; exit 3");
        var runner = Runner(("fail", new CommandDefinition { Template = script, Retryable = retryable }));

        var failure = await Assert.ThrowsAsync<JobFailedException>(() => runner.RunAsync(new RecordingRun("""{"command": "fail"}""").Run, CancellationToken.None));

        Assert.Equal(ErrorClasses.Error, failure.Error.Class);
        Assert.Equal(retryable, failure.Retryable);
        Assert.Contains("exited with code 3: CUDA error: device-side assert", failure.Error.Message, StringComparison.Ordinal);
        Assert.Equal(3, failure.Error.Details!.Value.GetProperty("exit_code").GetInt32());
        Assert.Contains("working", failure.Error.Details.Value.GetProperty("stdout_tail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_lines_are_parsed_including_carriage_return_redraws()
    {
        var script = Script(_folder, "bar.sh", "printf ' 1/4\\r 2/4\\r' >&2; echo '3/4'; printf '4/4\\n'");
        var runner = Runner(("bar", new CommandDefinition { Template = script, ProgressPattern = @"(\d+)/(\d+)" }));
        var run = new RecordingRun("{}");

        await runner.RunAsync(run.Run, CancellationToken.None);

        Assert.Equal([1.0, 2.0, 3.0, 4.0], run.Progress.Select(p => p.Value).Order());
        Assert.All(run.Progress, p => Assert.Equal(4, p.Max));
    }

    [Fact]
    public async Task Cancel_kills_the_whole_process_tree()
    {
        var pidFile = _folder.File("child.pid");
        var script = Script(_folder, "tree.sh", $"sleep 60 & echo $! > {pidFile}; wait");
        var runner = Runner(("tree", new CommandDefinition { Template = script }));
        using var cancel = new CancellationTokenSource();
        var running = runner.RunAsync(new RecordingRun("{}").Run, cancel.Token);
        await ComfyUIRunnerTests.WaitUntil(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0);
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        await ComfyUIRunnerTests.WaitUntil(() => !IsAlive(child), 5_000);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("whisper {input} --output_dir {out}", "whisper", new[] { "{input}", "--output_dir", "{out}" })]
    [InlineData("python 'my script.py' \"--title={title} now\" {{literal}}", "python", new[] { "my script.py", "--title={title} now", "{literal}" })]
    public void Templates_split_like_a_shell_without_running_one(string template, string program, string[] shape)
    {
        var parsed = CommandTemplate.Parse(template);
        var args = parsed.Placeholders.Where(p => !CommandTemplate.Reserved.Contains(p)).ToDictionary(p => p, p => "{" + p + "}");

        var expanded = parsed.Expand(args, new Dictionary<string, string> { ["out"] = "{out}", ["job_id"] = "j", ["attempt"] = "1" });

        Assert.Equal(program, parsed.Program);
        Assert.Equal(shape, expanded);
    }

    [Theory]
    [InlineData("{tool} --x")]
    [InlineData("echo {unclosed")]
    [InlineData("echo 'unclosed")]
    [InlineData("echo {bad-name}")]
    [InlineData("")]
    public void Broken_templates_are_refused(string template) =>
        Assert.Throws<FormatException>(() => CommandTemplate.Parse(template));
}
