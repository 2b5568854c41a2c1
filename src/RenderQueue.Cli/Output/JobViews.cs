using System.Text.Json;
using RenderQueue.Core.Jobs;
using Spectre.Console;

namespace RenderQueue.Cli.Output;

/// <summary>Jobs for people: one job in detail, many as a table.</summary>
internal static class JobViews
{
    public static readonly string[] ListHeaders = ["id", "state", "queue", "type", "priority", "attempt", "detail", "created"];

    public static IReadOnlyList<Cell> ListRow(Job job, DateTimeOffset now) =>
    [
        job.Id,
        new(job.State.ToWire(), Formats.StateStyle(job.State)),
        job.Queue,
        job.Type,
        job.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
        job.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Formats.Standing(job),
        Formats.Ago(job.CreatedAt, now),
    ];

    /// <summary>Every field a person asks about, one per line; absent ones are left out.</summary>
    public static void WriteDetail(CliContext cli, Job job, DateTimeOffset now)
    {
        var rows = new List<(string Name, Cell Value)>
        {
            ("id", job.Id),
            ("state", new Cell(job.State.ToWire() + (job.CancelRequested ? " (cancel requested)" : ""), Formats.StateStyle(job.State))),
            ("queue", job.Queue),
            ("type", job.Type),
            ("priority", job.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("attempt", $"{job.Attempt} (final at {job.AttemptLimit})"),
        };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) rows.Add((name, value));
        }
        Add("progress", job.Progress is { } p ? Formats.Standing(job with { State = JobState.Running }) : null);
        Add("position", job.Position is { } position ? $"{position}" + (job.Eta is { } eta ? $" (starts in ~{Formats.Duration(eta)})" : "") : null);
        Add("run at", job.RunAt is { } runAt ? Formats.Time(runAt) : null);
        Add("worker", job.WorkerId ?? job.Attempts.LastOrDefault()?.WorkerId);
        Add("created", $"{Formats.Time(job.CreatedAt)} ({Formats.Ago(job.CreatedAt, now)})");
        Add("started", job.StartedAt is { } started ? Formats.Time(started) : null);
        Add("finished", job.FinishedAt is { } finished ? Formats.Time(finished) + (job.StartedAt is { } s ? $" (ran {Formats.Duration(finished - s)})" : "") : null);
        Add("collected", job.CollectedAt is { } collected ? Formats.Time(collected) : null);
        Add("flagged", job.FlagReason);
        Add("idempotency", job.IdempotencyKey);
        Add("error", job.Error is { } error ? $"{error.Class}: {error.Message}" : null);
        Add("metadata", Compact(job.Metadata));
        Add("result", Compact(job.Result));
        foreach (var artifact in job.Artifacts)
            Add("artifact", $"{artifact.Name} ({Formats.Number(artifact.Size)} bytes, {artifact.ContentType})");

        if (cli.IsLive)
        {
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            foreach (var (name, value) in rows)
                grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value.Text, value.Style is null ? Style.Plain : Style.Parse(value.Style)));
            cli.Console.Write(grid);
        }
        else
        {
            var width = rows.Max(r => r.Name.Length);
            foreach (var (name, value) in rows) cli.Host.Out.WriteLine($"{(name + ":").PadRight(width + 1)} {value.Text}");
            cli.Host.Out.Flush();
        }
    }

    private static string? Compact(JsonElement? json) =>
        json is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } value ? value.GetRawText().ReplaceLineEndings(" ") : null;
}
