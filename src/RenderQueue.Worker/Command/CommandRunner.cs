using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Worker.Command;

/// <summary>
/// The <c>command</c> job type: runs one of the configured command templates with the payload's values as separate
/// arguments (<see cref="ProcessStartInfo.ArgumentList"/>, never a shell), in a fresh output folder whose files all
/// become artifacts. The ends of stdout and stderr are kept with the result or the error; a non-zero exit fails the
/// attempt; cancel kills the whole process tree.
/// </summary>
internal sealed partial class CommandRunner : IJobRunner
{
    public const string JobType = "command";

    private readonly CommandOptions _options;
    private readonly ILogger<CommandRunner> _logger;
    private readonly Dictionary<string, Lazy<(CommandDefinition Definition, CommandTemplate Template, Regex? Progress)>> _commands;

    public CommandRunner(IOptions<CommandOptions> options, ILogger<CommandRunner> logger)
    {
        _options = options.Value;
        _logger = logger;
        // Parsed on first use: a broken template is reported by the start-up validation, not by this constructor.
        _commands = _options.Commands.ToDictionary(
            c => c.Key,
            c => new Lazy<(CommandDefinition, CommandTemplate, Regex?)>(() => (c.Value, CommandTemplate.Parse(c.Value.Template),
                c.Value.ProgressPattern is { Length: > 0 } p ? new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)) : null)),
            StringComparer.Ordinal);
    }

    public string Type => JobType;

    public async Task<JsonElement?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var payload = CommandPayload.Parse(run.Payload);
        var name = payload.Command ?? (_commands.Count == 1 ? _commands.Keys.Single() : null)
            ?? throw JobFailedException.InvalidInput($"Name the command to run: one of {string.Join(", ", _commands.Keys)}.");
        if (!_commands.TryGetValue(name, out var configured))
            throw JobFailedException.InvalidInput($"This worker has no command '{name}'; it has: {string.Join(", ", _commands.Keys)}.");
        var command = configured.Value;

        var output = Path.Combine(WorkFolder, $"{run.JobId}-{run.Attempt}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        try
        {
            var reserved = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["out"] = output,
                ["job_id"] = run.JobId,
                ["attempt"] = run.Attempt.ToString(CultureInfo.InvariantCulture),
            };
            var arguments = command.Template.Expand(payload.Args, reserved);
            var (exitCode, stdout, stderr) = await RunProcessAsync(run, name, command.Definition, command.Template.Program, arguments, command.Progress, output, cancellationToken);
            var details = new JsonObject { ["command"] = name, ["exit_code"] = exitCode, ["stdout_tail"] = stdout, ["stderr_tail"] = stderr };
            if (exitCode != 0)
            {
                throw new JobFailedException(new JobError(
                    $"Command '{name}' exited with code {exitCode}: {LastLine(stderr) ?? LastLine(stdout) ?? "no output"}",
                    ErrorClasses.Error, JsonSerializer.SerializeToElement(details)), command.Definition.Retryable);
            }
            details["artifacts"] = await UploadOutputsAsync(run, output, cancellationToken);
            return JsonSerializer.SerializeToElement(details);
        }
        finally
        {
            TryDelete(output);
        }
    }

    private string WorkFolder => _options.WorkFolder is { Length: > 0 } folder ? folder : Path.Combine(Path.GetTempPath(), "renderqueue-worker");

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(
        JobRun run, string name, CommandDefinition definition, string program, IReadOnlyList<string> arguments, Regex? progressPattern,
        string output, CancellationToken cancellationToken)
    {
        using var span = WorkerTracing.StartStep("command process")?.SetTag("renderqueue.command", name);
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = definition.WorkingDirectory ?? output,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in definition.Environment) start.Environment[key] = value;
        start.Environment["RENDERQUEUE_JOB_ID"] = run.JobId;
        start.Environment["RENDERQUEUE_ATTEMPT"] = run.Attempt.ToString(CultureInfo.InvariantCulture);
        start.Environment["RENDERQUEUE_OUTPUT_DIR"] = output;

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw JobFailedException.Other($"Command '{name}' could not start '{program}': {e.Message}", innerException: e);
        }
        process.StandardInput.Close();
        Log.Started(_logger, run.JobId, name, process.Id);

        var stdout = new OutputTail(_options.TailBytes, progressPattern, run.Progress);
        var stderr = new OutputTail(_options.TailBytes, progressPattern, run.Progress);
        var draining = Task.WhenAll(
            stdout.DrainAsync(process.StandardOutput),
            stderr.DrainAsync(process.StandardError));
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Killing(_logger, run.JobId, name, process.Id);
            KillTree(process);
            using var grace = new CancellationTokenSource(_options.KillGrace);
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        // Output pipes close when the last process holding them exits; a grandchild left running keeps them open.
        await draining.WaitAsync(_options.KillGrace, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        span?.SetTag("process.exit.code", process.ExitCode);
        return (process.ExitCode, stdout.Tail(), stderr.Tail());
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // it exited on its own meanwhile
        }
    }

    private static async Task<JsonArray> UploadOutputsAsync(JobRun run, string output, CancellationToken cancellationToken)
    {
        var namer = new ArtifactNamer();
        var names = new JsonArray();
        var files = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(output, file).Replace(Path.DirectorySeparatorChar, '_');
            var name = namer.Next(relative);
            await using (var content = File.OpenRead(file))
                await run.Artifacts.AddAsync(name, ContentTypes.FromFileName(file), content, cancellationToken);
            names.Add(name);
        }
        return names;
    }

    private static string? LastLine(string text) =>
        text.Split('\n', '\r').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) is { } line
            ? line.Length > 300 ? line[..300] + "…" : line
            : null;

    private void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CleanupFailed(_logger, folder, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Job {JobId}: command '{Command}' started as process {ProcessId}")]
        public static partial void Started(ILogger logger, string jobId, string command, int processId);

        [LoggerMessage(2, LogLevel.Information, "Job {JobId}: killing command '{Command}' (process {ProcessId} and its children)")]
        public static partial void Killing(ILogger logger, string jobId, string command, int processId);

        [LoggerMessage(3, LogLevel.Warning, "Could not delete the output folder {Folder}: {Reason}")]
        public static partial void CleanupFailed(ILogger logger, string folder, string reason);
    }
}
