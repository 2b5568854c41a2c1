using System.CommandLine;
using RenderQueue.Cli.Output;
using RenderQueue.Core.Api;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq workers</c>: registered workers, their GPUs and current jobs.</summary>
internal static class WorkersCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var json = CliOptions.Json();
        var command = new Command("workers", "List registered workers: status, job types, GPUs, current jobs, last heartbeat.") { json };
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            var workers = await cli.Client.ListWorkersAsync(ct);
            if (parse.GetValue(json)) cli.WriteJson(new ItemsResponse<Core.Workers.WorkerInfo>(workers));
            else TableOutput.Write(cli, FleetViews.WorkerHeaders, FleetViews.WorkerRows(workers, DateTimeOffset.UtcNow));
            return ExitCodes.Ok;
        });
        return command;
    }
}
