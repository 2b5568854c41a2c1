using System.CommandLine;

namespace RenderQueue.Cli.Commands;

/// <summary>Options several commands share. Each command gets its own instance.</summary>
internal static class CliOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print the API's JSON instead of a table (stable, for scripts)." };

    public static Option<string?> Queue(string description = "Only this queue.") => new("--queue", "-q") { Description = description };

    public static Option<string?> Type(string description = "Only jobs of this type.") => new("--type", "-t") { Description = description };

    public static Option<string> Out(string description) => new("--out", "-o") { Description = description, HelpName = "DIR" };
}
