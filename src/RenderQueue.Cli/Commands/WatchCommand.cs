using System.CommandLine;
using System.Net.WebSockets;
using RenderQueue.Cli.Output;
using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Threading;
using RenderQueue.Core.Workers;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RenderQueue.Cli.Commands;

/// <summary>
/// <c>renderq watch</c>: queues, counts and workers, redrawn when events arrive (at most a few times a second) and at
/// least every <c>--interval</c> (heartbeats make no events). Without the events socket it just reads every interval.
/// Ctrl+C ends it with exit code 0.
/// </summary>
internal static class WatchCommand
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(250);

    public static Command Create(CliHost host, GlobalOptions global)
    {
        var queue = CliOptions.Queue("Only this queue.");
        var interval = new Option<double>("--interval")
        {
            Description = "Redraw at least this often, in seconds (default 5).",
            DefaultValueFactory = _ => 5,
        };
        var command = new Command("watch", "A live view of queues, job counts and workers; Ctrl+C to stop.") { queue, interval };
        command.SetBody(host, global, async (cli, parse, ct) =>
        {
            if (parse.GetValue(interval) is <= 0 or > 3600) throw new UsageException("--interval is between 0 and 3600 seconds.");
            var every = TimeSpan.FromSeconds(parse.GetValue(interval));
            var only = parse.GetValue(queue);
            var changed = new WakeSignal();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var listening = ListenAsync(cli.Client, only, changed, stop.Token);
            try
            {
                if (cli.IsLive)
                {
                    await cli.Console.Live(new Text("Connecting…")).AutoClear(false).StartAsync(async live =>
                    {
                        while (true)
                        {
                            live.UpdateTarget(Render(await ReadAsync(cli.Client, only, ct)));
                            live.Refresh();
                            await NextChangeAsync(changed, every, ct);
                        }
                    });
                }
                else
                {
                    while (true)
                    {
                        var view = await ReadAsync(cli.Client, only, ct);
                        cli.WriteLine($"--- {Formats.Time(view.At)}");
                        TableOutput.Write(cli, FleetViews.QueueHeaders, FleetViews.QueueRows(view.Stats.Queues));
                        TableOutput.Write(cli, FleetViews.WorkerHeaders, FleetViews.WorkerRows(view.Workers, view.At));
                        cli.WriteLine(FleetViews.Summary(view.Stats));
                        await NextChangeAsync(changed, every, ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Ok; // Ctrl+C is how watch ends
            }
            finally
            {
                await stop.CancelAsync();
                await listening;
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed record View(DateTimeOffset At, StatsResponse Stats, IReadOnlyList<WorkerInfo> Workers);

    private static async Task<View> ReadAsync(RenderQueueClient client, string? queue, CancellationToken ct)
    {
        var stats = client.GetStatsAsync(ct);
        var workers = client.ListWorkersAsync(ct);
        var read = await stats;
        if (queue is not null) read = read with { Queues = [.. read.Queues.Where(q => string.Equals(q.Name, queue, StringComparison.Ordinal))] };
        return new View(DateTimeOffset.UtcNow, read, await workers);
    }

    private static IRenderable Render(View view) => new Rows(
        new Text(FleetViews.Summary(view.Stats), new Style(decoration: Decoration.Bold)),
        TableOutput.Build(FleetViews.QueueHeaders, FleetViews.QueueRows(view.Stats.Queues), "Queues"),
        TableOutput.Build(FleetViews.WorkerHeaders, FleetViews.WorkerRows(view.Workers, view.At), "Workers"),
        new Text($"{Formats.Time(view.At)} · Ctrl+C to stop", new Style(Color.Grey)));

    /// <summary>Waits for an event (then a moment more, so a burst is drawn once) or the interval.</summary>
    private static async Task NextChangeAsync(WakeSignal changed, TimeSpan interval, CancellationToken ct)
    {
        if (!await changed.WaitAndResetAsync(DateTimeOffset.UtcNow + interval, TimeProvider.System, ct)) return;
        await Task.Delay(Coalesce, ct);
    }

    /// <summary>Signals every event; when the socket fails or closes, returns and the view falls back to the interval.</summary>
    private static async Task ListenAsync(RenderQueueClient client, string? queue, WakeSignal changed, CancellationToken ct)
    {
        try
        {
            await foreach (var _ in client.StreamEventsAsync(new EventStreamQuery { Queue = queue }, ct))
                changed.Set();
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException or System.Text.Json.JsonException)
        {
            // no live events: the view still refreshes every interval
        }
    }
}
