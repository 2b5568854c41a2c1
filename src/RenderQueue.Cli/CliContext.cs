using RenderQueue.Cli.Output;
using RenderQueue.Client;
using Spectre.Console;

namespace RenderQueue.Cli;

/// <summary>One run of one command: the host, the resolved server, the console and the client, made when first needed.</summary>
internal sealed class CliContext(CliHost host, string? serverFlag, string? keyFlag) : IDisposable
{
    private ServerSettings? _settings;
    private RenderQueueClient? _client;
    private IAnsiConsole? _console;
    private readonly Lock _writing = new(); // downloads report from several tasks at once

    public CliHost Host { get; } = host;

    /// <summary>The server and key from the flags, the environment or the config file.</summary>
    public ServerSettings Settings => _settings ??= ServerSettings.Resolve(serverFlag, keyFlag, Host);

    public RenderQueueClient Client => _client ??= Host.ConnectClient(Settings);

    /// <summary>Standard output as a Spectre console (plain when not a terminal).</summary>
    public IAnsiConsole Console => _console ??= Consoles.Create(Host);

    /// <summary>Whether to draw live progress and displays (a terminal only).</summary>
    public bool IsLive => Host.OutputIsTerminal;

    public void WriteJson<T>(T value) => JsonOutput.Write(Host.Out, value);

    /// <summary>A line on standard output, as is (no markup).</summary>
    public void WriteLine(string text = "")
    {
        lock (_writing)
        {
            Host.Out.WriteLine(text);
            Host.Out.Flush();
        }
    }

    /// <summary>A line of Spectre markup on a terminal, its plain text elsewhere.</summary>
    public void WriteMarkupLine(string markup)
    {
        if (IsLive) Console.MarkupLine(markup);
        else WriteLine(Markup.Remove(markup));
    }

    /// <summary>One line on standard error, prefixed with <c>renderq:</c>.</summary>
    public void WriteError(string message)
    {
        lock (_writing)
        {
            Host.Error.WriteLine("renderq: " + message.ReplaceLineEndings(" "));
            Host.Error.Flush();
        }
    }

    public void Dispose() => _client?.Dispose();
}
