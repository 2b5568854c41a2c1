using System.Globalization;

namespace RenderQueue.Bench.Harness;

/// <summary>One line of redis-server's <c>INFO commandstats</c>: a command, how often it ran and the CPU it took.</summary>
internal sealed record RedisCommandStat(string Command, long Calls, long Microseconds)
{
    /// <summary>Reads lines such as <c>cmdstat_zadd:calls=12,usec=34,usec_per_call=2.83,…</c>, most CPU first.</summary>
    public static IReadOnlyList<RedisCommandStat> Parse(string info)
    {
        var stats = new List<RedisCommandStat>();
        foreach (var line in info.Split("\r\n"))
        {
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal)) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var fields = line[(colon + 1)..].Split(',').Select(f => f.Split('=')).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
            stats.Add(new RedisCommandStat(line["cmdstat_".Length..colon],
                long.Parse(fields.GetValueOrDefault("calls", "0"), CultureInfo.InvariantCulture),
                long.Parse(fields.GetValueOrDefault("usec", "0"), CultureInfo.InvariantCulture)));
        }
        return [.. stats.OrderByDescending(s => s.Microseconds)];
    }

    /// <summary>A note for the report: the commands that took most of redis-server's command CPU, per job.</summary>
    public static string Summary(IReadOnlyList<RedisCommandStat> stats, long jobs, int top = 12)
    {
        var total = stats.Sum(s => s.Microseconds);
        var parts = stats.Take(top).Select(s => FormattableString.Invariant(
            $"{s.Command} {s.Calls / (double)jobs:0.00}×/{s.Microseconds / (double)jobs:0.0} µs"));
        return FormattableString.Invariant($"redis-server command CPU {total / (double)jobs:0.0} µs per job (calls and µs per job): ") + string.Join(", ", parts);
    }
}
