using System.Text.Json;
using RenderQueue.Client;
using RenderQueue.Server.Tests;
using RenderQueue.Processes;

namespace RenderQueue.Cli.Tests;

/// <summary>What one run of renderq printed and exited with.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public JsonElement Json() => JsonDocument.Parse(Out).RootElement.Clone();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}

/// <summary>
/// Runs renderq in process against the real server in memory (a client of <see cref="RenderQueueApp"/>), with its
/// own working folder, home folder and environment; standard output is not a terminal, as in a pipe.
/// </summary>
public sealed class CliRun : IDisposable
{
    private readonly TempDirectory _folder = new("renderq-cli");

    public CliRun(RenderQueueApp? app = null)
    {
        App = app ?? new RenderQueueApp(TimeProvider.System);
        _ = App.Server; // start it now: a CLI run and the test's client racing to start it would start two
        Directory.CreateDirectory(Home);
        Environment[ServerSettings.KeyVariable] = App.AdminKey; // the server has keys: every run sends one, as a user's would
    }

    public RenderQueueApp App { get; }

    /// <summary>The working folder of every run: relative paths on the command line land here.</summary>
    public string Folder => _folder.Path;

    public string Home => _folder.File("home");

    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>A client of the same server, to play the worker or check what the CLI did.</summary>
    public RenderQueueClient Client => _client ??= App.Client();
    private RenderQueueClient? _client;

    public string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public string File(string name, string text)
    {
        var path = _folder.File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public Task<CliResult> RunAsync(string[] args, CancellationToken ct, string stdin = "") =>
        RunWithHostAsync(args, host => host with { ConnectClient = Connect, In = new StringReader(stdin) }, ct);

    /// <summary>
    /// A client of the in-memory server sending the key renderq resolved (--key, RENDERQUEUE_KEY, the config file),
    /// or none: the CLI's own key handling is what the server sees.
    /// </summary>
    public RenderQueueClient Connect(ServerSettings settings) => App.ClientSending(settings.ApiKey);

    /// <summary>Runs with the real client factory: the server is whatever --server or the environment says.</summary>
    public Task<CliResult> RunOverNetworkAsync(params string[] args) => RunWithHostAsync(args, host => host, CancellationToken.None);

    /// <summary>Runs and hands back the output writer while running, for commands that run until canceled.</summary>
    public async Task<CliResult> RunWithHostAsync(string[] args, Func<CliHost, CliHost> adjust, CancellationToken ct, SharedStringWriter? output = null)
    {
        output ??= new SharedStringWriter();
        var error = new SharedStringWriter();
        var host = adjust(new CliHost
        {
            Out = output,
            Error = error,
            OutputIsTerminal = false,
            Environment = name => Environment.TryGetValue(name, out var value) ? value : null,
            WorkingDirectory = Folder,
            HomeDirectory = Home,
        });
        var exit = await RenderqApp.RunAsync(args, host, ct);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        _client?.Dispose();
        App.Dispose();
        _folder.Dispose();
    }
}
