using RenderQueue.Bench;

// dotnet run -c Release --project bench/RenderQueue.Bench -- <scenario> [--store sqlite|redis] [sizes…]
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await BenchApp.RunAsync(args, Console.Out, stop.Token);
