using Spectre.Console;

namespace RenderQueue.Cli.Output;

/// <summary>The Spectre console over the host's standard output, plain when it is not a terminal.</summary>
internal static class Consoles
{
    /// <summary>Wide enough that nothing wraps when output goes to a file or a pipe.</summary>
    private const int PlainWidth = 4096;

    /// <summary>
    /// A terminal gets ANSI (live progress, boxes) and colours unless <c>NO_COLOR</c> is set; anything else — a
    /// pipe, a file, a test — gets plain text without a single escape code.
    /// </summary>
    public static IAnsiConsole Create(CliHost host)
    {
        var terminal = host.OutputIsTerminal;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(host.Out),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal && !NoColor(host) ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        if (!terminal) console.Profile.Width = PlainWidth;
        return console;
    }

    /// <summary>https://no-color.org: any non-empty value turns colour off.</summary>
    public static bool NoColor(CliHost host) => !string.IsNullOrEmpty(host.Environment("NO_COLOR"));
}
