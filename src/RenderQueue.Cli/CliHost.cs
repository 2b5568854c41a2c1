using RenderQueue.Client;

namespace RenderQueue.Cli;

/// <summary>
/// Everything <c>renderq</c> takes from the process it runs in, so tests can run it in process: where it writes, what
/// it reads, its environment and folders, and how it reaches the server.
/// </summary>
public sealed record CliHost
{
    /// <summary>Standard output: results, tables, JSON.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: one line per error.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Standard input, read by <c>submit -</c>.</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Whether standard output is a terminal: live progress, colours and boxes only then.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>Reads an environment variable (<c>RENDERQUEUE_URL</c>, <c>RENDERQUEUE_KEY</c>, <c>NO_COLOR</c>, …).</summary>
    public Func<string, string?> Environment { get; init; } = _ => null;

    /// <summary>Relative paths on the command line are taken from here.</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>The user's home folder, where <c>.config/renderq/config.json</c> lives.</summary>
    public string? HomeDirectory { get; init; }

    /// <summary>
    /// Makes the client for the resolved server settings; by default a <see cref="RenderQueueClient"/> with its own
    /// connections. Tests hand in a client of an in-memory server.
    /// </summary>
    public Func<ServerSettings, RenderQueueClient> ConnectClient { get; init; } = settings => new RenderQueueClient(settings.ToClientOptions());

    /// <summary>The real process: its standard streams, environment and folders.</summary>
    public static CliHost FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        OutputIsTerminal = !Console.IsOutputRedirected,
        Environment = System.Environment.GetEnvironmentVariable,
        WorkingDirectory = Directory.GetCurrentDirectory(),
        HomeDirectory = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile),
    };

    /// <summary>An absolute path for a path typed on the command line.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
