using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using RenderQueue.Server.Artifacts;
using RenderQueue.Server.Configuration;

namespace RenderQueue.Server;

/// <summary>Says at start where the server listens, which store it uses and where the data lives.</summary>
internal static partial class StartupLog
{
    public static void LogWhereEverythingIs(this WebApplication app) => app.Lifetime.ApplicationStarted.Register(() =>
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RenderQueue.Server");
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var store = app.Services.GetRequiredService<StoreDescription>();
        var leases = app.Services.GetRequiredService<IOptions<LeaseOptions>>().Value;
        Listening(logger, string.Join(", ", addresses));
        Store(logger, store.Kind, store.Location);
        Artifacts(logger, app.Services.GetRequiredService<ArtifactStorage>().Root);
        Leases(logger, leases.Duration.TotalSeconds, leases.MaxWait.TotalSeconds);
        if (app.Services.GetRequiredService<TimeProvider>() is OffsetClock) ClockOffset(logger, OffsetClock.Key, app.Configuration[OffsetClock.Key]!);
    });

    [LoggerMessage(1, LogLevel.Information, "RenderQueue listening on {Addresses}")]
    private static partial void Listening(ILogger logger, string addresses);

    [LoggerMessage(2, LogLevel.Information, "Store: {Kind} at {Location}")]
    private static partial void Store(ILogger logger, string kind, string location);

    [LoggerMessage(3, LogLevel.Information, "Artifacts: {Folder}")]
    private static partial void Artifacts(ILogger logger, string folder);

    [LoggerMessage(5, LogLevel.Warning, "{Key} is set: the clock is offset by the contents of {Path}. This is for fault-injection tests only")]
    private static partial void ClockOffset(ILogger logger, string key, string path);

    [LoggerMessage(4, LogLevel.Information, "Leases last {LeaseSeconds} s; lease requests wait up to {MaxWaitSeconds} s")]
    private static partial void Leases(ILogger logger, double leaseSeconds, double maxWaitSeconds);
}
