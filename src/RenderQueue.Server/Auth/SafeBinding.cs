using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;

namespace RenderQueue.Server.Auth;

/// <summary>
/// The safe default, checked before the server listens: with no keys it may listen on loopback only (and says so);
/// listening on a network address needs an active admin key, or the server refuses to start. There is no switch
/// to turn this off. Hangfire's dashboard once lost its local-only default in a release (CVE-2021-41238); tests
/// pin this one.
/// </summary>
internal static partial class SafeBinding
{
    /// <summary>Exit code of a refused start.</summary>
    public const int RefusedExitCode = 2;

    /// <summary>False (after saying why) when the configured addresses need an admin key that does not exist.</summary>
    public static async Task<bool> CheckBeforeListeningAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RenderQueue.Server.Auth");
        var keys = await app.Services.GetRequiredService<IJobStore>().ListApiKeysAsync(CancellationToken.None);
        var active = keys.Where(k => k.IsActive).ToList();
        var admins = active.Count(k => k.Role == ApiKeyRole.Admin);
        var addresses = ListenAddresses.Configured(app.Configuration);
        var exposed = addresses.Where(a => !ListenAddresses.IsLoopback(a)).ToList();

        if (exposed.Count > 0 && admins == 0)
        {
            Log.Refused(logger, string.Join(", ", exposed));
            return false;
        }
        if (active.Count == 0) Log.NoKeys(logger);
        else Log.Keys(logger, active.Count, admins);
        if (exposed.Count > 0) Log.Exposed(logger, string.Join(", ", exposed));
        if (admins == 0) StopIfBoundBeyondLoopback(app, logger);
        return true;
    }

    /// <summary>Defence in depth: should Kestrel bind a network address from some source not read above, the server
    /// stops at once with the same refusal.</summary>
    private static void StopIfBoundBeyondLoopback(WebApplication app, ILogger logger) => app.Lifetime.ApplicationStarted.Register(() =>
    {
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = bound.Where(a => !ListenAddresses.IsLoopback(a)).ToList();
        if (exposed.Count == 0) return;
        Log.Refused(logger, string.Join(", ", exposed));
        Environment.ExitCode = RefusedExitCode;
        app.Lifetime.StopApplication();
    });

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Critical,
            "Refusing to start: asked to listen on {Addresses}, which other machines can reach, but no admin API key exists. "
            + "Create one first (RenderQueue.Server keys create --role admin --name <you>), or listen on loopback only "
            + "(--urls http://127.0.0.1:8000).")]
        public static partial void Refused(ILogger logger, string addresses);

        [LoggerMessage(2, LogLevel.Warning,
            "No API keys exist: the server answers only direct requests from this machine (it listens on loopback) and asks for no key. "
            + "Before exposing it, create an admin key: RenderQueue.Server keys create --role admin --name <you>")]
        public static partial void NoKeys(ILogger logger);

        [LoggerMessage(3, LogLevel.Information, "API keys: {Active} active, {Admins} of them admin; every request needs one")]
        public static partial void Keys(ILogger logger, int active, int admins);

        [LoggerMessage(4, LogLevel.Information, "Listening beyond loopback on {Addresses}; every request needs an API key")]
        public static partial void Exposed(ILogger logger, string addresses);
    }
}
