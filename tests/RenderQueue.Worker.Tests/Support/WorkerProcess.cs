using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace RenderQueue.Worker.Tests.Support;

/// <summary>The built worker as a real child process (<c>dotnet RenderQueue.Worker.dll …</c>), for kill -9 and PATH tests.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private WorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>The worker in its own build output (see the test project file).</summary>
    public static string WorkerDll => Path.Combine(
        typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerOutput").Value!,
        "RenderQueue.Worker.dll");

    public static WorkerProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(WorkerDll)) Assert.Fail($"The built worker is missing at {WorkerDll}; build the solution first.");
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
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
            await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no drain, no release, exactly like <c>kill -9</c>.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
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
