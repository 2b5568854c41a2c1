using System.Diagnostics;
using System.Globalization;

namespace RenderQueue.Processes;

/// <summary>POSIX signals to a child process, sent with <c>kill</c> exactly as an operator would.</summary>
public static class Signals
{
    /// <summary>Sends <paramref name="signal"/> (<c>TERM</c>, <c>STOP</c>, <c>CONT</c>, <c>KILL</c>) to <paramref name="processId"/>.</summary>
    public static void Send(int processId, string signal)
    {
        var start = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add("-" + signal);
        start.ArgumentList.Add(processId.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(start) ?? throw new InvalidOperationException("kill did not start.");
        var error = kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {processId} failed: {error}");
    }
}
