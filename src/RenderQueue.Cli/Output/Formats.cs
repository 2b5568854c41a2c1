using System.Globalization;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Cli.Output;

/// <summary>How values read to people (invariant culture: output must not change with the machine's locale).</summary>
internal static class Formats
{
    public static string Duration(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => $"{span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms",
        { TotalMinutes: < 1 } => $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s",
        { TotalHours: < 1 } => $"{span.Minutes}m{span.Seconds:00}s",
        { TotalDays: < 1 } => $"{(int)span.TotalHours}h{span.Minutes:00}m",
        _ => $"{(int)span.TotalDays}d{span.Hours:00}h",
    };

    /// <summary>How long ago, e.g. <c>3m04s ago</c>.</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now) => now - at < TimeSpan.Zero ? "just now" : Duration(now - at) + " ago";

    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(double value, string format = "0.#") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Terminal colour of a state.</summary>
    public static string StateStyle(JobState state) => state switch
    {
        JobState.Succeeded => "green",
        JobState.Failed => "red",
        JobState.Canceled => "grey",
        JobState.Running => "blue",
        JobState.Queued => "yellow",
        _ => "default",
    };

    /// <summary>Where a job stands in one short phrase: progress while running, position while queued.</summary>
    public static string Standing(Job job) => job.State switch
    {
        JobState.Running when job.Progress is { } p => $"{Number(p.Value)}/{Number(p.Max)} ({(p.Fraction * 100).ToString("0", CultureInfo.InvariantCulture)}%)" + (p.Message is null ? "" : " " + p.Message),
        JobState.Queued when job.Position is { } position => $"#{position}" + (job.Eta is { } eta ? $", ~{Duration(eta)}" : ""),
        JobState.Scheduled when job.RunAt is { } runAt => $"at {Time(runAt)}",
        JobState.Failed or JobState.Scheduled when job.Error is { } error => $"{error.Class}: {error.Message}",
        JobState.Succeeded when job.CollectedAt is not null => "collected",
        _ => "",
    };
}
