namespace RenderQueue.Cli;

/// <summary>The <c>renderq</c> process: standard streams, environment, and Ctrl+C.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // The first Ctrl+C asks the running command to stop (watch exits 0, a wait stops waiting); a second one kills.
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (interrupted.IsCancellationRequested) return;
            e.Cancel = true;
            interrupted.Cancel();
        };
        return await RenderqApp.RunAsync(args, CliHost.FromProcess(), interrupted.Token);
    }
}
