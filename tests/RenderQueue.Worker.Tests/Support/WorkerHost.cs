using System.Collections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Configuration;

namespace RenderQueue.Worker.Tests.Support;

/// <summary>The worker as the real program composes it (same command line, same services), hosted in this process.</summary>
internal sealed class WorkerHost : IAsyncDisposable
{
    private readonly IHost _host;

    private WorkerHost(IHost host)
    {
        _host = host;
        Agent = host.Services.GetRequiredService<WorkerAgent>();
    }

    public WorkerAgent Agent { get; }

    /// <summary>Starts a worker with <paramref name="args"/> (as on its command line) and test-speed timings, and waits until it registered.</summary>
    public static Task<WorkerHost> StartAsync(Uri server, params string[] args) => StartAsync(server, _ => { }, args);

    /// <summary>As <see cref="StartAsync(Uri, string[])"/>, with <paramref name="services"/> changed after the program's own.</summary>
    public static async Task<WorkerHost> StartAsync(Uri server, Action<IServiceCollection> services, params string[] args)
    {
        var worker = await StartUnregisteredAsync(server, services, args);
        await worker.Agent.Registered.WaitAsync(TimeSpan.FromSeconds(20));
        return worker;
    }

    /// <summary>Starts a worker without waiting for it to reach the server.</summary>
    public static Task<WorkerHost> StartUnregisteredAsync(Uri server, params string[] args) => StartUnregisteredAsync(server, _ => { }, args);

    private static async Task<WorkerHost> StartUnregisteredAsync(Uri server, Action<IServiceCollection> services, string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddFilter(level => level >= LogLevel.Warning).AddConsole();
        string[] defaults =
        [
            "--server", server.ToString(), "--id", "worker-" + Guid.NewGuid().ToString("N")[..8],
            "--Worker:LeaseWait=00:00:02", "--Worker:ProgressInterval=00:00:00", "--Worker:RetryDelay=00:00:00.100",
            "--Worker:MaxRetryDelay=00:00:00.500", "--Worker:DrainGrace=00:00:05", "--Worker:Gpus:Enabled=false",
            "--Worker:ComfyUI:ReconnectDelay=00:00:00.050", "--Worker:ComfyUI:PollInterval=00:00:00.050", "--Worker:ComfyUI:LostTimeout=00:00:03",
            "--Worker:A1111:ProgressInterval=00:00:00.020",
        ];
        builder.Configuration.AddWorkerSources(WorkerCommandLine.Parse([.. defaults, .. args]), new Hashtable());
        builder.Services.AddRenderQueueWorker(builder.Configuration);
        services(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new WorkerHost(host);
    }

    /// <summary>Stops like SIGTERM does: the agent drains.</summary>
    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        if (_host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else _host.Dispose();
    }
}
