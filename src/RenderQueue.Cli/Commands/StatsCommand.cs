using System.CommandLine;
using RenderQueue.Cli.Output;

namespace RenderQueue.Cli.Commands;

/// <summary><c>renderq stats</c>: jobs per state and queue, workers online, throughput, waits.</summary>
internal static class StatsCommand
{
    public static Command Create(CliHost host, GlobalOptions global)
    {
        var command = new Command("stats", "Show jobs per state and per queue, workers online, throughput and queue waits.");
        command.SetShowBody(host, global, (cli, _, ct) => cli.Client.GetStatsAsync(ct), (cli, stats) =>
        {
            TableOutput.Write(cli, FleetViews.StateHeaders, FleetViews.StateRows(stats.Counts));
            cli.WriteLine();
            TableOutput.Write(cli, FleetViews.QueueHeaders, FleetViews.QueueRows(stats.Queues));
            cli.WriteLine();
            cli.WriteLine(FleetViews.Summary(stats));
        });
        return command;
    }
}
