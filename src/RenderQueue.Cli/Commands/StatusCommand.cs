using System.CommandLine;
using RenderQueue.Cli.Output;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq status ID</c>: one job in detail.</summary>
internal static class StatusCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var json = CliOptions.Json();
        var command = new Command("status", "Show one job: state, progress or queue position, attempts, error, result and outputs.") { id, json };
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            var job = await cli.Client.GetJobAsync(parse.GetRequiredValue(id), ct);
            if (parse.GetValue(json)) cli.WriteJson(job);
            else JobViews.WriteDetail(cli, job, DateTimeOffset.UtcNow);
            return ExitCodes.Ok;
        });
        return command;
    }
}
