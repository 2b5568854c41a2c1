using System.CommandLine;
using System.Diagnostics;
using RenderQueue.Cli.Output;
using RenderQueue.Cli.Payloads;
using RenderQueue.Cli.Transfers;
using Spectre.Console;

namespace RenderQueue.Cli.Commands;

/// <summary>
/// <c>renderq seed</c>: bulk-creates a render set — N jobs from one template, each with fields derived from its index —
/// with batch submits, idempotently.
/// </summary>
internal static class SeedCommand
{
    public const int MaxCount = 10_000_000;

    public static Command Create(CliHost host, GlobalOptions global)
    {
        var count = new Option<int>("--count", "-n") { Description = "How many jobs.", Required = true };
        var template = new Option<string>("--template") { Description = "The job template: a ComfyUI API-format workflow, a submit body, or a payload with --type.", Required = true, HelpName = "FILE" };
        var vary = new Option<string[]>("--vary")
        {
            Description = "FIELD=VALUE set per job: FIELD is a node input name (seed) or a path ($.3.inputs.seed); VALUE uses {index} (index alone = the number). Repeatable.",
            HelpName = "FIELD=VALUE",
        };
        var name = new Option<string?>("--name") { Description = "The set's name; idempotency keys are NAME:INDEX. Default: the template's name and a hash of template, type, queue and --vary." };
        var start = new Option<long>("--start") { Description = "The first index (default 0).", DefaultValueFactory = _ => 0 };
        var type = CliOptions.Type("The job type. Default: comfyui for a ComfyUI API-format workflow.");
        var queue = CliOptions.Queue("The queue (default: default).");
        var priority = new Option<int?>("--priority", "-p") { Description = "Priority of every job." };
        var metadata = new Option<string[]>("--metadata", "-m") { Description = "key=value on every job. Repeatable.", HelpName = "KEY=VALUE" };
        var batchSize = new Option<int>("--batch-size") { Description = "Jobs per batch request (the server takes up to 1,000 by default).", DefaultValueFactory = _ => 1000 };
        var parallel = new Option<int>("--parallel") { Description = "Batch requests in flight at once (default 2: one parsed while one is written, measured best against SQLite; see docs/cli.md).", DefaultValueFactory = _ => 2 };
        var command = new Command("seed", "Create a render set: many jobs from one template, varied by index, idempotently.")
        {
            count, template, vary, name, start, type, queue, priority, metadata, batchSize, parallel,
        };
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            // Checked here rather than in validators, which run (and throw on GetValue) even when a value did not parse.
            if (parse.GetValue(count) is < 1 or > MaxCount) throw new UsageException($"--count is between 1 and {MaxCount:N0}.");
            if (parse.GetValue(start) < 0) throw new UsageException("--start cannot be negative.");
            if (parse.GetValue(name) is { } chosen && (chosen.Length is 0 or > SeedPlan.MaxSetNameLength))
                throw new UsageException($"--name has 1–{SeedPlan.MaxSetNameLength} characters.");
            if (parse.GetValue(batchSize) is < 1 or > 100_000) throw new UsageException("--batch-size is between 1 and 100,000.");
            if (parse.GetValue(parallel) is < 1 or > 64) throw new UsageException("--parallel is between 1 and 64.");
            var file = parse.GetRequiredValue(template);
            var root = await JobFile.ReadAsync(cli.Host, file, ct);
            var request = JobFile.ToRequest(root, file, parse.GetValue(type));
            request = request with
            {
                Queue = parse.GetValue(queue) ?? request.Queue,
                Priority = parse.GetValue(priority) ?? request.Priority,
                Metadata = MetadataPairs.Merge(request.Metadata, parse.GetValue(metadata) ?? []),
            };
            var variations = (parse.GetValue(vary) ?? []).Select(FieldVariation.Parse).ToList();
            var payload = PayloadTemplate.Compile(System.Text.Json.Nodes.JsonNode.Parse(request.Payload!.Value.GetRawText())!, variations);
            var set = parse.GetValue(name)
                ?? SeedPlan.DefaultSetName(file, root.ToJsonString(), request, variations.Select(v => $"{v.Field}={v.Value}"));
            var plan = new SeedPlan(request, payload, set, parse.GetValue(start), parse.GetValue(count));
            var run = new SeedRun(cli.Client, plan, parse.GetValue(batchSize), parse.GetValue(parallel));

            var clock = Stopwatch.StartNew();
            if (cli.IsLive)
            {
                await cli.Console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask(Markup.Escape($"seeding {set}"), maxValue: plan.Count);
                        await run.RunAsync(n => task.Increment(n), ct);
                    });
            }
            else
            {
                await run.RunAsync(_ => { }, ct);
            }
            var rate = plan.Count / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            cli.WriteLine($"{Formats.Number(plan.Count)} jobs in set {set} (indexes {plan.Start}–{plan.Start + plan.Count - 1}, queue {request.Queue ?? "default"}) "
                + $"in {Formats.Duration(clock.Elapsed)} ({Formats.Number(rate, "0")} jobs/s); jobs already in the set were kept, not duplicated.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
