using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Workers;

namespace RenderQueue.Worker.Runtime.Gpus;

/// <summary>Reads GPUs with <c>nvidia-smi</c> when it is on the path; none, without failing, when it is absent or fails.</summary>
public sealed partial class NvidiaSmiGpuProbe(IOptions<NvidiaSmiOptions> options, ILogger<NvidiaSmiGpuProbe> logger) : IGpuProbe
{
    private int _warned;

    public async Task<IReadOnlyList<GpuInfo>> ReadAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled) return [];
        var executable = ExecutableSearch.Find(settings.Executable, settings.SearchPath ?? Environment.GetEnvironmentVariable("PATH"));
        if (executable is null)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0) Log.NotFound(logger, settings.Executable);
            return [];
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(executable)
            {
                ArgumentList = { NvidiaSmiParser.QueryArguments, NvidiaSmiParser.FormatArguments },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        try
        {
            process.Start();
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var text = await output;
            if (process.ExitCode != 0)
            {
                Log.Failed(logger, executable, process.ExitCode, (await errors).Trim());
                return [];
            }
            return NvidiaSmiParser.Parse(text);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.TimedOut(logger, executable, settings.Timeout);
            Kill(process);
            return [];
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            Log.CouldNotRun(logger, executable, e);
            return [];
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested) Kill(process);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "No {Executable} on the path: reporting no GPUs")]
        public static partial void NotFound(ILogger logger, string executable);

        [LoggerMessage(2, LogLevel.Warning, "{Executable} exited with {ExitCode}: reporting no GPUs. {Errors}")]
        public static partial void Failed(ILogger logger, string executable, int exitCode, string errors);

        [LoggerMessage(3, LogLevel.Warning, "{Executable} did not answer within {Timeout}: reporting no GPUs")]
        public static partial void TimedOut(ILogger logger, string executable, TimeSpan timeout);

        [LoggerMessage(4, LogLevel.Warning, "Could not run {Executable}: reporting no GPUs")]
        public static partial void CouldNotRun(ILogger logger, string executable, Exception exception);
    }
}
