using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Client;
using RenderQueue.Testing;

namespace RenderQueue.Server.Tests;

/// <summary>
/// The real server in memory, with its own SQLite file and artifact folder in a temp folder, and a manual clock
/// that tests advance instead of sleeping (pass <see cref="TimeProvider.System"/> where real time must pass).
/// </summary>
public sealed class RenderQueueApp(TimeProvider? time = null) : WebApplicationFactory<Program>
{
    private readonly TempDirectory _data = new("renderqueue-server");
    private readonly Dictionary<string, string> _settings = [];

    /// <summary>The clock the server and its store run on.</summary>
    public TimeProvider Time { get; } = time ?? new ManualTimeProvider();

    /// <summary>The manual clock; fails when the app runs on real time.</summary>
    public ManualTimeProvider Clock => Time as ManualTimeProvider
        ?? throw new InvalidOperationException("This app runs on the system clock; create it without a TimeProvider to drive time.");

    public string DataFolder => _data.Path;

    public string ArtifactFolder => _data.File("artifacts");

    /// <summary>Sets a configuration key (e.g. <c>Leases:Duration</c>) before the server starts.</summary>
    public RenderQueueApp With(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>A typed client whose events stream uses the in-memory server's WebSocket client.</summary>
    public RenderQueueClient Client()
    {
        var sockets = Server.CreateWebSocketClient();
        return new RenderQueueClient(CreateClient(), (uri, ct) => sockets.ConnectAsync(uri, ct));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Store:Sqlite:Path", _data.File("renderqueue.db"));
        builder.UseSetting("Artifacts:Folder", ArtifactFolder);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services => services.AddSingleton(Time));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}
