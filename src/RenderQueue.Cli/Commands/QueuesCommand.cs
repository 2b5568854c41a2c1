using System.CommandLine;
using RenderQueue.Cli.Output;
using RenderQueue.Core.Storage;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq queues</c> (list), <c>queues pause NAME</c>, <c>queues resume NAME</c>.</summary>
internal static class QueuesCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var command = new Command("queues", "List queues with their job counts; pause or resume one.")
        {
            Toggle(host, global, "pause", "Stop workers leasing from a queue (it still accepts jobs).", (cli, name, ct) => cli.Client.PauseQueueAsync(name, ct)),
            Toggle(host, global, "resume", "Let workers lease from a paused queue again.", (cli, name, ct) => cli.Client.ResumeQueueAsync(name, ct)),
        };
        command.SetShowListBody(host, global, (cli, ct) => cli.Client.ListQueuesAsync(ct),
            (cli, queues) => TableOutput.Write(cli, FleetViews.QueueHeaders, FleetViews.QueueRows(queues)));
        return command;
    }

    private static Command Toggle(CliHost host, GlobalOptions global, string name, string description, Func<CliContext, string, CancellationToken, Task<QueueInfo>> action)
    {
        var queue = new Argument<string>("queue") { Description = "The queue's name." };
        var command = new Command(name, description) { queue };
        command.SetShowBody(host, global, (cli, parse, ct) => action(cli, parse.GetRequiredValue(queue), ct),
            (cli, info) => cli.WriteLine($"{info.Name}: {(info.Paused ? "paused" : "running")}"));
        return command;
    }
}
