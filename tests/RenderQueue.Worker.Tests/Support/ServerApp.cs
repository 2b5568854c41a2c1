using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Client;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;
using RenderQueue.Processes;
using RenderQueue.Testing;

namespace RenderQueue.Worker.Tests.Support;

/// <summary>
/// The real RenderQueue server in this process, on real Kestrel (127.0.0.1, a free port) so worker processes can
/// reach it too, with its own SQLite file and artifact folder, and timings shortened for tests: leases of
/// <see cref="LeaseDuration"/>, a reaper every 100 ms, retry backoff of 100 ms.
/// </summary>
public sealed class ServerApp : WebApplicationFactory<global::Program>
{
    private readonly TempDirectory _data = new("renderqueue-e2e-server");
    private readonly int _port;

    private readonly Dictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;

    public ServerApp(TimeSpan? leaseDuration = null, Dictionary<string, string>? settings = null, int? port = null, Action<IServiceCollection>? services = null)
    {
        _port = port ?? FreePort.Next();
        LeaseDuration = leaseDuration ?? TimeSpan.FromSeconds(10);
        _settings = settings ?? [];
        _services = services;
        UseKestrel(_port);
        StartServer();
    }

    public TimeSpan LeaseDuration { get; }

    public Uri Address => new($"http://127.0.0.1:{_port}/");

    /// <summary>A typed client over real HTTP; without a key, it relies on the server having none (it is local).</summary>
    public RenderQueueClient NewClient(string? key = null)
    {
        // No trace context from the client's side: it stands for another program, and a traced worker in this process
        // would otherwise sample (or refuse) its calls.
        var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new RenderQueueClient(http);
    }

    /// <summary>Stores a new API key, as <c>keys create</c> would; returns its text.</summary>
    public async Task<string> CreateKeyAsync(ApiKeyRole role)
    {
        var (key, record) = TestApiKeys.New(role.ToWire(), role);
        await Services.GetRequiredService<IJobStore>().CreateApiKeyAsync(record, CancellationToken.None);
        return key;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Store:Sqlite:Path", _data.File("renderqueue.db"));
        builder.UseSetting("Artifacts:Folder", _data.File("artifacts"));
        builder.UseSetting("Leases:Duration", LeaseDuration.ToString("c", CultureInfo.InvariantCulture));
        builder.UseSetting("Leases:ReaperInterval", "00:00:00.100");
        builder.UseSetting("Leases:RecheckInterval", "00:00:00.200");
        builder.UseSetting("Store:Sqlite:Store:Retry:BaseDelay", "00:00:00.100");
        builder.UseSetting("Store:Sqlite:Store:Retry:MaxDelay", "00:00:00.200");
        builder.UseSetting("Scheduler:MaxInterval", "00:00:00.200");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        if (_services is not null) builder.ConfigureServices(_services);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}
