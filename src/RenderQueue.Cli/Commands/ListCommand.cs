using System.CommandLine;
using RenderQueue.Cli.Output;
using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq ls</c>: jobs, newest first, filtered by state, queue and type.</summary>
internal static class ListCommand
{
    public const int DefaultLimit = 50;

    public static Command Create(CliHost host, GlobalOptions global)
    {
        var states = StateOption("Only jobs in these states (comma-separated): scheduled, queued, running, succeeded, failed, canceled.");
        var queue = CliOptions.Queue();
        var type = CliOptions.Type();
        var limit = new Option<int?>("--limit", "-n") { Description = $"Show at most this many jobs (default {DefaultLimit})." };
        var all = new Option<bool>("--all") { Description = "Show every matching job, reading page after page." };
        var json = CliOptions.Json();
        var command = new Command("ls", "List jobs, newest first.") { states, queue, type, limit, all, json };
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            if (parse.GetValue(limit) is < 1) throw new UsageException("--limit must be at least 1.");
            if (parse.GetValue(all) && parse.GetValue(limit) is not null) throw new UsageException("--all and --limit cannot be used together.");
            var query = new JobListQuery { States = parse.GetValue(states) ?? [], Queue = parse.GetValue(queue), Type = parse.GetValue(type) };
            var wanted = parse.GetValue(all) ? int.MaxValue : parse.GetValue(limit) ?? DefaultLimit;
            var jobs = new List<Job>();
            string? nextCursor = null;
            do
            {
                var limitOfPage = Math.Min(wanted - jobs.Count, RenderQueueClient.MaxPageSize);
                var page = await cli.Client.ListJobsAsync(query with { Limit = limitOfPage, Cursor = nextCursor }, ct);
                jobs.AddRange(page.Items);
                nextCursor = page.Items.Count == 0 ? null : page.NextCursor;
            } while (nextCursor is not null && jobs.Count < wanted);

            if (parse.GetValue(json))
            {
                cli.WriteJson(new JobPage(jobs, nextCursor));
                return ExitCodes.Ok;
            }
            var now = DateTimeOffset.UtcNow;
            TableOutput.Write(cli, JobViews.ListHeaders, jobs.Select(j => JobViews.ListRow(j, now)));
            if (nextCursor is not null && cli.IsLive) cli.WriteMarkupLine($"[grey]More jobs match: --limit {wanted * 2} or --all.[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>--state a,b</c> (also repeatable), checked against the state names.</summary>
    public static Option<JobState[]> StateOption(string description) => new("--state")
    {
        Description = description,
        HelpName = "STATE,…",
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result =>
        {
            var parsed = new List<JobState>();
            foreach (var name in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (JobStates.TryParse(name, out var state)) parsed.Add(state);
                else result.AddError($"Unknown state '{name}'; the states are {string.Join(", ", JobStates.All.Select(s => s.ToWire()))}.");
            }
            return [.. parsed.Distinct()];
        },
    };
}
