using System.Diagnostics;
using System.Text;

namespace RenderQueue.Processes;

/// <summary>
/// The built server as a real child process (<c>dotnet RenderQueue.Server.dll</c>) on 127.0.0.1 and a free port,
/// with its data in a folder the test owns, started from that folder as its working directory. A test project
/// that uses it references RenderQueue.Server, so the server's build lands next to the tests.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(90);

    public Uri Address { get; }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The process id, e.g. to read <c>/proc/&lt;id&gt;/fd</c>.</summary>
    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "RenderQueue.Server.dll");

    /// <summary>
    /// Starts the server; <paramref name="environment"/> adds <c>RENDERQUEUE__…</c> variables. It listens on
    /// <paramref name="address"/> when given (a restart where clients and workers expect it), else on 127.0.0.1 and a
    /// free port; <paramref name="listenHost"/> (e.g. <c>0.0.0.0</c>) binds another host on that port, while
    /// <see cref="Address"/> stays the loopback address.
    /// </summary>
    public static ServerProcess Start(
        string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, Uri? address = null, string listenHost = "127.0.0.1")
    {
        address ??= new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var start = StartInfo(workingDirectory, environment, ServerDll, "--urls", $"http://{listenHost}:{address.Port}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var server = new ServerProcess(process, address);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Runs a server command (e.g. <c>keys create …</c>) to its end.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunCommandAsync(
        string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(workingDirectory, environment, [ServerDll, .. arguments]))
            ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }

    private static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        if (!File.Exists(ServerDll)) throw new InvalidOperationException($"The built server is missing at {ServerDll}; build the solution first.");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return start;
    }

    /// <summary>
    /// Waits until <c>/health/ready</c> answers 200, or fails with the server's log. The limit is generous: with the
    /// fault suite's processes beside the cluster's on two cores, a start (and its first Redis connect) can take 30 s.
    /// </summary>
    public async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyLimit)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{Log}");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"The server did not become ready within {ReadyLimit.TotalSeconds} s:\n{Log}");
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like <c>kill -9</c>.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the graceful stop a service manager sends.</summary>
    public void Terminate() => Signals.Send(_process.Id, "TERM");

    /// <summary>Waits for the process to end by itself (e.g. refusing to start).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // the exited process's last output lines are read by now
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }
}
