using System.CommandLine;
using RenderQueue.Cli.Output;
using RenderQueue.Core.Storage;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq queues</c> (list), <c>queues pause NAME</c>, <c>queues resume NAME</c>,
/// <c>queues set NAME [--weight N] [--max-running N|none]</c>.</summary>
internal static class QueuesCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var command = new Command("queues", "List queues with their job counts and settings; pause, resume or configure one.")
        {
            Toggle(host, global, "pause", "Stop workers leasing from a queue (it still accepts jobs).", (cli, name, ct) => cli.Client.PauseQueueAsync(name, ct)),
            Toggle(host, global, "resume", "Let workers lease from a paused queue again.", (cli, name, ct) => cli.Client.ResumeQueueAsync(name, ct)),
            Set(host, global),
        };
        command.SetShowListBody(host, global, (cli, ct) => cli.Client.ListQueuesAsync(ct),
            (cli, queues) => TableOutput.Write(cli, FleetViews.QueueHeaders, FleetViews.QueueRows(queues)));
        return command;
    }

    private static Command Set(CliHost host, GlobalOptions global)
    {
        var queue = new Argument<string>("queue") { Description = "The queue's name (it need not have jobs yet)." };
        var weight = new Option<int?>("--weight", "-w") { Description = "Share of leases against other queues at the same priority, 1–1000 (default 1)." };
        var maxRunning = new Option<string?>("--max-running") { Description = "At most this many of the queue's jobs run at once; 'none' removes the cap." };
        var command = new Command("set", "Change a queue's weight or cap (admin); what is not given stays as it is.") { queue, weight, maxRunning };
        command.SetShowBody(host, global, (cli, parse, ct) =>
            {
                var change = new QueueSettingsChange { Weight = parse.GetValue(weight) };
                if (parse.GetValue(maxRunning) is { } cap)
                {
                    change = change with { SetsMaxRunning = true, MaxRunning = ParseCap(cap) };
                }
                if (change.IsEmpty) throw new UsageException("Nothing to change: give --weight, --max-running or both.");
                return cli.Client.UpdateQueueSettingsAsync(parse.GetRequiredValue(queue), change, ct);
            },
            (cli, info) => cli.WriteLine($"{info.Name}: weight {info.Weight}, {(info.MaxRunning is { } m ? $"at most {Formats.Number(m)} running" : "no cap")}"));
        return command;
    }

    private static int? ParseCap(string text) =>
        text.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cap) ? cap
        : throw new UsageException($"--max-running takes a whole number or 'none', not '{text}'.");

    private static Command Toggle(CliHost host, GlobalOptions global, string name, string description, Func<CliContext, string, CancellationToken, Task<QueueInfo>> action)
    {
        var queue = new Argument<string>("queue") { Description = "The queue's name." };
        var command = new Command(name, description) { queue };
        command.SetShowBody(host, global, (cli, parse, ct) => action(cli, parse.GetRequiredValue(queue), ct),
            (cli, info) => cli.WriteLine($"{info.Name}: {(info.Paused ? "paused" : "running")}"));
        return command;
    }
}
