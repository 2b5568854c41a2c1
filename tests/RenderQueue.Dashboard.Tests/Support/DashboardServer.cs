using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using RenderQueue.Client;
using RenderQueue.Processes;

namespace RenderQueue.Dashboard.Tests.Support;

/// <summary>
/// The real server in this process on real Kestrel (127.0.0.1, a free port), with its own SQLite file and artifact
/// folder, serving the dashboard from its wwwroot; simulated workers run in process against it over HTTP. A test class
/// takes it as a class fixture; subclasses seed what their tests need in <see cref="SeedAsync"/>.
/// </summary>
public class DashboardServer : WebApplicationFactory<global::Program>, IAsyncLifetime
{
    private readonly TempDirectory _data = new("renderqueue-dashboard");
    private readonly int _port = FreePort.Next();
    private readonly List<SimulatedWorker> _workers = [];
    private HttpClient? _http;

    /// <summary>
    /// Starts one server at a time: the framework finds a minimal-hosting app's host through a process-wide
    /// diagnostic listener, so two factories starting at once (classes of the two collections run in parallel)
    /// can each catch the other's host, and one of them then fails on a host that already started.
    /// </summary>
    private static readonly SemaphoreSlim OneStartAtATime = new(1, 1);

    public DashboardServer() => UseKestrel(_port);

    public Uri Address => new($"http://127.0.0.1:{_port}/");

    /// <summary>A typed client of the public API over real HTTP: what tests check the dashboard's effects with.</summary>
    public RenderQueueClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await OneStartAtATime.WaitAsync();
        try
        {
            StartServer();
        }
        finally
        {
            OneStartAtATime.Release();
        }
        _http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        Api = new RenderQueueClient(_http);
        await SeedAsync();
    }

    /// <summary>From now on <see cref="Api"/> sends <paramref name="key"/> (for servers that have keys).</summary>
    protected void SendKey(string key) =>
        _http!.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);

    /// <summary>Workers and jobs the test class needs before its first test.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    /// <summary>Starts a simulated worker (the real agent loop) against this server and waits until it registered.</summary>
    public async Task<SimulatedWorker> StartWorkerAsync(WorkerProfile profile)
    {
        var worker = await SimulatedWorker.StartAsync(Address, profile);
        _workers.Add(worker);
        return worker;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Store:Sqlite:Path", _data.File("renderqueue.db"));
        builder.UseSetting("Artifacts:Folder", _data.File("artifacts"));
        builder.UseSetting("Leases:Duration", "00:00:06"); // heartbeats every 2 s
        builder.UseSetting("Leases:ReaperInterval", "00:00:00.200");
        builder.UseSetting("Store:Sqlite:Store:Retry:BaseDelay", "00:00:00.300"); // a retried attempt starts soon
        builder.UseSetting("Store:Sqlite:Store:Retry:MaxDelay", "00:00:01");
        builder.UseSetting("Scheduler:MaxInterval", "00:00:00.200");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
        _http?.Dispose();
        await DisposeAsync();
        _data.Dispose();
    }
}
