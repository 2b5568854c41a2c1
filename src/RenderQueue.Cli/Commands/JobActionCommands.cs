using System.CommandLine;
using RenderQueue.Cli.Output;
using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Cli.Commands;

/// <summary>What people do to jobs: cancel, retry, flag for re-render, change priority.</summary>
internal static class JobActionCommands
{
    public static Command Cancel(CliHost host, GlobalOptions global)
    {
        var ids = Ids("The jobs to cancel.");
        var reason = new Option<string?>("--reason") { Description = "Why; kept with the job." };
        var json = CliOptions.Json();
        var command = new Command("cancel", "Cancel jobs: a pending one at once, a running one through its worker.") { ids, reason, json };
        command.SetBody(host, global, (cli, parse, ct) =>
            ForEachAsync(cli, parse.GetRequiredValue(ids), parse.GetValue(json), id => cli.Client.CancelAsync(id, parse.GetValue(reason), ct)));
        return command;
    }

    public static Command Retry(CliHost host, GlobalOptions global)
    {
        var ids = Ids("The failed or canceled jobs to run again.");
        var json = CliOptions.Json();
        var command = new Command("retry", "Queue failed or canceled jobs again, with a fresh attempt budget.") { ids, json };
        command.SetBody(host, global, (cli, parse, ct) =>
            ForEachAsync(cli, parse.GetRequiredValue(ids), parse.GetValue(json), id => cli.Client.RetryAsync(id, ct)));
        return command;
    }

    public static Command Flag(CliHost host, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The succeeded job to render again." };
        var reason = new Option<string>("--reason", "-r") { Description = "What is wrong with the output.", Required = true };
        var command = new Command("flag", "Send a succeeded job back for re-render, saying why.") { id, reason };
        command.SetShowBody(host, global, (cli, parse, ct) => cli.Client.FlagAsync(parse.GetRequiredValue(id), parse.GetRequiredValue(reason), ct), Report);
        return command;
    }

    public static Command Priority(CliHost host, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "A job that has not started." };
        var priority = new Argument<int>("priority")
        {
            Description = $"The new priority, {-SubmitValidation.MaxPriority}…{SubmitValidation.MaxPriority}; higher runs first.",
        };
        var command = new Command("priority", "Change the priority of a job that has not started.") { id, priority };
        command.SetShowBody(host, global, (cli, parse, ct) => cli.Client.SetPriorityAsync(parse.GetRequiredValue(id), parse.GetValue(priority), ct), Report);
        return command;
    }

    public static Argument<string[]> Ids(string description) =>
        new("ids") { Description = description, Arity = ArgumentArity.OneOrMore, HelpName = "ID" };

    /// <summary>
    /// Applies an action to each job in turn. A refusal for one job is reported (one line) and the others go on; the
    /// exit code is then that of the refusal. An unreachable server stops everything.
    /// </summary>
    private static async Task<int> ForEachAsync(CliContext cli, IReadOnlyList<string> ids, bool json, Func<string, Task<Job>> action)
    {
        var done = new List<Job>();
        var exit = ExitCodes.Ok;
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var job = await action(id);
                done.Add(job);
                if (!json) Report(cli, job);
            }
            catch (RenderQueueApiException e)
            {
                cli.WriteError($"{id}: {CommandActions.Describe(e)}");
                exit = Math.Max(exit, e.StatusCode == System.Net.HttpStatusCode.BadRequest ? ExitCodes.Usage : ExitCodes.Failure);
            }
        }
        if (json) cli.WriteJson(new ItemsResponse<Job>(done));
        return exit;
    }

    private static void Report(CliContext cli, Job job)
    {
        var state = job.State.ToWire() + (job.CancelRequested ? " (cancel requested: the worker stops at its next renew)" : "");
        cli.WriteMarkupLine($"{job.Id}  [{Formats.StateStyle(job.State)}]{Spectre.Console.Markup.Escape(state)}[/]  priority {job.Priority}");
    }
}
