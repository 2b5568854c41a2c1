using System.Globalization;
using RenderQueue.Core.Api;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Workers;

namespace RenderQueue.Cli.Output;

/// <summary>Queues, workers and stats as tables.</summary>
internal static class FleetViews
{
    public static readonly string[] QueueHeaders = ["queue", "paused", "scheduled", "queued", "running", "succeeded", "failed", "canceled", "submitted", "weight", "cap"];

    public static readonly string[] WorkerHeaders = ["id", "name", "status", "types", "queues", "gpus", "jobs", "last seen"];

    public static IEnumerable<IReadOnlyList<Cell>> QueueRows(IEnumerable<QueueInfo> queues) => queues.Select(q => (IReadOnlyList<Cell>)
    [
        q.Name,
        q.Paused ? new Cell("paused", "yellow") : new Cell("no"),
        Formats.Number(q.Counts.Scheduled),
        new(Formats.Number(q.Counts.Queued), q.Counts.Queued > 0 ? "yellow" : null),
        new(Formats.Number(q.Counts.Running), q.Counts.Running > 0 ? "blue" : null),
        new(Formats.Number(q.Counts.Succeeded), "green"),
        new(Formats.Number(q.Counts.Failed), q.Counts.Failed > 0 ? "red" : null),
        Formats.Number(q.Counts.Canceled),
        Formats.Number(q.Totals.Submitted),
        Formats.Number(q.Weight),
        q.MaxRunning is { } cap ? Formats.Number(cap) : "-",
    ]);

    public static IEnumerable<IReadOnlyList<Cell>> WorkerRows(IEnumerable<WorkerInfo> workers, DateTimeOffset now) => workers.Select(w => (IReadOnlyList<Cell>)
    [
        w.Id,
        w.Registration.Name,
        new(w.Status.ToString().ToLowerInvariant() + (w.DrainRequested && w.Status == WorkerStatus.Online ? " (drain asked)" : ""), w.Status switch
        {
            WorkerStatus.Online => "green",
            WorkerStatus.Draining => "yellow",
            _ => "grey",
        }),
        string.Join(',', w.Registration.Types),
        w.Registration.Queues.Count == 0 ? "*" : string.Join(',', w.Registration.Queues),
        w.Registration.Gpus.Count == 0 ? "-" : string.Join(", ", w.Registration.Gpus.Select(g => $"{g.Name} {Formats.Number(g.VramFreeMb)}/{Formats.Number(g.VramTotalMb)} MiB")),
        w.CurrentJobs.Count == 0 ? "-" : string.Join(',', w.CurrentJobs),
        Formats.Ago(w.LastSeenAt, now),
    ]);

    public static readonly string[] StateHeaders = ["state", "jobs"];

    public static IEnumerable<IReadOnlyList<Cell>> StateRows(StateCounts counts) =>
    [
        ["scheduled", Formats.Number(counts.Scheduled)],
        [new("queued", "yellow"), Formats.Number(counts.Queued)],
        [new("running", "blue"), Formats.Number(counts.Running)],
        [new("succeeded", "green"), Formats.Number(counts.Succeeded)],
        [new("failed", "red"), Formats.Number(counts.Failed)],
        [new("canceled", "grey"), Formats.Number(counts.Canceled)],
        ["total", Formats.Number(counts.Total)],
    ];

    /// <summary>One line: workers online, throughput per minute and queue waits.</summary>
    public static string Summary(StatsResponse stats)
    {
        var waits = stats.WaitTimes.P50 is { } p50
            ? $"wait p50 {Formats.Duration(TimeSpan.FromSeconds(p50))}, p95 {Formats.Duration(TimeSpan.FromSeconds(stats.WaitTimes.P95 ?? p50))}"
            : "no waits measured in the last hour";
        var t = stats.Throughput;
        return string.Create(CultureInfo.InvariantCulture,
            $"{stats.WorkersOnline} worker(s) online · per minute: {t.SubmittedPerMinute:0.#} submitted, {t.SucceededPerMinute:0.#} succeeded, {t.FailedPerMinute:0.#} failed · {waits}");
    }
}
