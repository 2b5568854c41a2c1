using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using RenderQueue.Client;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;
using RenderQueue.Processes;
using RenderQueue.Testing;

namespace RenderQueue.Server.Tests;

/// <summary>
/// The real server in memory, with its own SQLite file and artifact folder in a temp folder, and a manual clock
/// that tests advance instead of sleeping (pass <see cref="TimeProvider.System"/> where real time must pass).
/// An in-memory request has no loopback peer, so the server's keyless local mode never applies here: the app
/// stores an admin key at start and every client it makes sends it (<see cref="ClientWithKey"/> for others).
/// </summary>
public sealed class RenderQueueApp(TimeProvider? time = null) : WebApplicationFactory<Program>
{
    private readonly TempDirectory _data = new("renderqueue-server");
    private readonly Dictionary<string, string> _settings = [];
    private readonly List<Action<IServiceCollection>> _services = [];

    /// <summary>The clock the server and its store run on.</summary>
    public TimeProvider Time { get; } = time ?? new FakeTimeProvider();

    /// <summary>The manual clock; fails when the app runs on real time.</summary>
    public FakeTimeProvider Clock => Time as FakeTimeProvider
        ?? throw new InvalidOperationException("This app runs on the system clock; create it without a TimeProvider to drive time.");

    public string DataFolder => _data.Path;

    /// <summary>The admin key the app's clients send; reading it starts the server, which makes it.</summary>
    public string AdminKey
    {
        get
        {
            if (_adminKey.Length == 0) StartServer(); // CreateHost makes the key
            return _adminKey;
        }
    }

    private string _adminKey = "";

    public string ArtifactFolder => _data.File("artifacts");

    /// <summary>Sets a configuration key (e.g. <c>Leases:Duration</c>) before the server starts.</summary>
    public RenderQueueApp With(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Replaces services before the server starts (e.g. a DNS resolver that answers what the test wants).</summary>
    public RenderQueueApp WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>A typed client sending <paramref name="key"/> (the admin key when null), events over the in-memory WebSocket client.</summary>
    public RenderQueueClient Client(string? key = null) => ClientSending(key ?? AdminKey);

    /// <summary>A typed client sending exactly <paramref name="key"/>, or no key at all when it is null.</summary>
    public RenderQueueClient ClientSending(string? key)
    {
        var http = ClientWithKey(key);
        var sockets = Server.CreateWebSocketClient();
        sockets.ConfigureRequest = request => request.Headers.Authorization = http.DefaultRequestHeaders.Authorization?.ToString();
        return new RenderQueueClient(http, (uri, ct) => sockets.ConnectAsync(uri, ct));
    }

    /// <summary>A client that sends <paramref name="key"/>, or no key at all when it is null.</summary>
    public HttpClient ClientWithKey(string? key)
    {
        var http = CreateClient();
        http.DefaultRequestHeaders.Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>Stores a new key with <paramref name="role"/>, as <c>keys create</c> would; returns its text.</summary>
    public async Task<string> CreateKeyAsync(ApiKeyRole role, string name = "test")
    {
        var (key, record) = TestApiKeys.New(name, role);
        await Services.GetRequiredService<IJobStore>().CreateApiKeyAsync(record, CancellationToken.None);
        return key;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Store:Sqlite:Path", _data.File("renderqueue.db"));
        builder.UseSetting("Artifacts:Folder", ArtifactFolder);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Time);
            foreach (var configure in _services) configure(services);
        });
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        var (key, record) = TestApiKeys.New("tests", ApiKeyRole.Admin);
        host.Services.GetRequiredService<IJobStore>().CreateApiKeyAsync(record, CancellationToken.None).GetAwaiter().GetResult();
        _adminKey = key;
        return host;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}
