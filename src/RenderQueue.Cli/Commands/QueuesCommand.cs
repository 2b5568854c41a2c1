using System.CommandLine;
using RenderQueue.Cli.Output;
using RenderQueue.Core.Api;
using RenderQueue.Core.Storage;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq queues</c> (list), <c>queues pause NAME</c>, <c>queues resume NAME</c>.</summary>
internal static class QueuesCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var json = CliOptions.Json();
        var command = new Command("queues", "List queues with their job counts; pause or resume one.")
        {
            json,
            Toggle(host, global, "pause", "Stop workers leasing from a queue (it still accepts jobs).", (cli, name, ct) => cli.Client.PauseQueueAsync(name, ct)),
            Toggle(host, global, "resume", "Let workers lease from a paused queue again.", (cli, name, ct) => cli.Client.ResumeQueueAsync(name, ct)),
        };
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            var queues = await cli.Client.ListQueuesAsync(ct);
            if (parse.GetValue(json)) cli.WriteJson(new ItemsResponse<QueueInfo>(queues));
            else TableOutput.Write(cli, FleetViews.QueueHeaders, FleetViews.QueueRows(queues));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Toggle(CliHost host, GlobalOptions global, string name, string description, Func<CliContext, string, CancellationToken, Task<QueueInfo>> action)
    {
        var queue = new Argument<string>("queue") { Description = "The queue's name." };
        var json = CliOptions.Json();
        var command = new Command(name, description) { queue, json };
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            var info = await action(cli, parse.GetRequiredValue(queue), ct);
            if (parse.GetValue(json)) cli.WriteJson(info);
            else cli.WriteLine($"{info.Name}: {(info.Paused ? "paused" : "running")}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
