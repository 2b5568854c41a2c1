using System.CommandLine;
using RenderQueue.Cli.Output;
using RenderQueue.Cli.Payloads;
using RenderQueue.Cli.Transfers;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq submit FILE</c>: one job from a file or standard input, optionally followed to the end.</summary>
internal static class SubmitCommand
{
    public const string DefaultOutFolder = "renderq-out";

    public static Command Create(CliHost host, GlobalOptions global)
    {
        var file = new Argument<string>("file")
        {
            Description = "A ComfyUI API-format workflow, a submit body ({\"type\", \"payload\", …}) or any JSON payload with --type; '-' reads standard input.",
            HelpName = "FILE|-",
        };
        var type = CliOptions.Type("The job type (comfyui, a1111, command, simulated, …). Default: comfyui for a ComfyUI API-format workflow.");
        var queue = CliOptions.Queue("The queue (default: default).");
        var priority = new Option<int?>("--priority", "-p") { Description = "Higher runs first (default 0)." };
        var metadata = new Option<string[]>("--metadata", "-m")
        {
            Description = "key=value shown with the job; the value is JSON when it reads as JSON. Repeatable.",
            HelpName = "KEY=VALUE",
        };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Submitting again with the same key returns the first job instead of a new one." };
        var wait = new Option<bool>("--wait", "-w") { Description = "Follow the job to its end with a progress bar, then download its outputs." };
        var outFolder = CliOptions.Out($"With --wait: where the outputs go (default ./{DefaultOutFolder}/<job id>/).");
        var json = CliOptions.Json();
        var command = new Command("submit", "Submit a job.") { file, type, queue, priority, metadata, idempotencyKey, wait, outFolder, json };
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            var request = JobFile.ToRequest(await JobFile.ReadAsync(cli.Host, path, ct), path, parse.GetValue(type));
            request = request with
            {
                Queue = parse.GetValue(queue) ?? request.Queue,
                Priority = parse.GetValue(priority) ?? request.Priority,
                Metadata = MetadataPairs.Merge(request.Metadata, parse.GetValue(metadata) ?? []),
                IdempotencyKey = parse.GetValue(idempotencyKey) ?? request.IdempotencyKey,
            };
            var job = await cli.Client.SubmitAsync(request, cancellationToken: ct);
            if (!parse.GetValue(wait))
            {
                if (parse.GetValue(json)) cli.WriteJson(job);
                else if (cli.IsLive) cli.WriteMarkupLine($"Submitted [bold]{job.Id}[/] to queue {Spectre.Console.Markup.Escape(job.Queue)} ({Spectre.Console.Markup.Escape(job.Type)}): {job.State.ToWire()}.");
                else cli.WriteLine(job.Id);
                return ExitCodes.Ok;
            }

            var finished = await JobProgressDisplay.WaitAsync(cli, job, ct);
            if (finished.State != JobState.Succeeded) return ReportUnsuccessful(cli, finished, parse.GetValue(json));

            var folder = cli.Host.FullPath(parse.GetValue(outFolder) ?? Path.Combine(DefaultOutFolder, finished.Id));
            var saved = await ArtifactDownloader.SaveAsync(cli.Client, finished, folder, ct);
            finished = await cli.Client.MarkCollectedAsync(finished.Id, ct);
            if (parse.GetValue(json))
            {
                cli.WriteJson(finished);
                return ExitCodes.Ok;
            }
            var took = finished.FinishedAt - finished.StartedAt is { } ran ? $" in {Formats.Duration(ran)}" : "";
            if (cli.IsLive) cli.WriteMarkupLine($"[green]{finished.Id} succeeded{took}[/]; {saved.Count} output(s) in {Spectre.Console.Markup.Escape(folder)}");
            foreach (var artifact in saved) cli.WriteLine(artifact.Path);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static int ReportUnsuccessful(CliContext cli, Job job, bool json)
    {
        if (json) cli.WriteJson(job);
        var why = job.Error is { } error ? $" ({error.Class}): {error.Message}" : ".";
        cli.WriteError($"job {job.Id} {job.State.ToWire()}{why}");
        return ExitCodes.JobUnsuccessful;
    }
}
