using RenderQueue.Cli;

// The first Ctrl+C asks the running command to stop (watch exits 0, a wait stops waiting); a second one kills.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (interrupted.IsCancellationRequested) return;
    e.Cancel = true;
    interrupted.Cancel();
};
return await RenderqApp.RunAsync(args, CliHost.FromProcess(), interrupted.Token);
