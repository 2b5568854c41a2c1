using System.CommandLine;
using RenderQueue.Cli.Commands;

namespace RenderQueue.Cli;

/// <summary><c>renderq</c>: its commands, and one run of it against a <see cref="CliHost"/>.</summary>
public static class RenderqApp
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var root = BuildRootCommand(host);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) host.Error.WriteLine("renderq: " + error.Message);
            host.Error.WriteLine($"Run 'renderq {CommandPath(parse)}--help' for usage.");
            host.Error.Flush();
            return ExitCodes.Usage;
        }
        var configuration = new InvocationConfiguration
        {
            Output = host.Out,
            Error = host.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // Program.cs turns Ctrl+C into cancellationToken
        };
        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>Every command, with its actions bound to <paramref name="host"/>.</summary>
    public static RootCommand BuildRootCommand(CliHost host)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("renderq: submit, follow and collect RenderQueue jobs; watch queues and workers.")
        {
            global.Server,
            global.Key,
            SubmitCommand.Create(host, global),
            StatusCommand.Create(host, global),
            ListCommand.Create(host, global),
            WatchCommand.Create(host, global),
            JobActionCommands.Cancel(host, global),
            JobActionCommands.Retry(host, global),
            JobActionCommands.Flag(host, global),
            JobActionCommands.Priority(host, global),
            DownloadCommand.Create(host, global),
            SeedCommand.Create(host, global),
            WorkersCommand.Create(host, global),
            StatsCommand.Create(host, global),
            QueuesCommand.Create(host, global),
            KeysCommand.Create(host, global),
        };
        return root;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var command = parse.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (command.Command is not RootCommand) names.Insert(0, command.Command.Name);
        }
        return names.Count == 0 ? "" : string.Join(' ', names) + " ";
    }
}
