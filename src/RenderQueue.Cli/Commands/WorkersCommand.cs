using System.CommandLine;
using RenderQueue.Cli.Output;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq workers</c>: registered workers, their GPUs and current jobs.</summary>
internal static class WorkersCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var command = new Command("workers", "List registered workers: status, job types, GPUs, current jobs, last heartbeat.");
        command.SetShowListBody(host, global, (cli, ct) => cli.Client.ListWorkersAsync(ct),
            (cli, workers) => TableOutput.Write(cli, FleetViews.WorkerHeaders, FleetViews.WorkerRows(workers, DateTimeOffset.UtcNow)));
        return command;
    }
}
