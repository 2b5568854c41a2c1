using System.CommandLine;
using RenderQueue.Cli.Output;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq status ID</c>: one job in detail.</summary>
internal static class StatusCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var command = new Command("status", "Show one job: state, progress or queue position, attempts, error, result and outputs.") { id };
        command.SetShowBody(host, global, (cli, parse, ct) => cli.Client.GetJobAsync(parse.GetRequiredValue(id), ct),
            (cli, job) => JobViews.WriteDetail(cli, job, DateTimeOffset.UtcNow));
        return command;
    }
}
