using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace RenderQueue.Processes;

/// <summary>
/// The built worker as a real child process (<c>dotnet RenderQueue.Worker.dll …</c>), for kill -9, SIGSTOP/SIGCONT,
/// SIGTERM and PATH tests. A test project that uses it references RenderQueue.Worker, so the worker is built.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private WorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>The worker in its own build output (see this project's file), which has its full dependency set.</summary>
    public static string WorkerDll => Path.Combine(
        typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerOutput").Value!,
        "RenderQueue.Worker.dll");

    /// <exception cref="InvalidOperationException">The worker is not built.</exception>
    public static WorkerProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(WorkerDll)) throw new InvalidOperationException($"The built worker is missing at {WorkerDll}; build the solution first.");
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(WorkerDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGTERM, as <c>systemctl stop</c> sends it; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        Signals.Send(_process.Id, "TERM");
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGSTOP: the process freezes (no renewals, no timers) until <see cref="Continue"/>.</summary>
    public void Pause() => Signals.Send(_process.Id, "STOP");

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Continue() => Signals.Send(_process.Id, "CONT");

    /// <summary>SIGKILL: no drain, no release, exactly like <c>kill -9</c>.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it exited on its own meanwhile
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits until it exits by itself (e.g. a job made it crash).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }
}
