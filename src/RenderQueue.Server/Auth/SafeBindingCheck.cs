using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;

namespace RenderQueue.Server.Auth;

/// <summary>
/// The safe default, checked when the host starts, after the store's own checks and before the server listens: with
/// no keys it may listen on loopback only (and says so); listening on a network address needs an active admin key,
/// or the server refuses to start. There is no switch to turn this off. Hangfire's dashboard once lost its
/// local-only default in a release (CVE-2021-41238); tests pin this one.
/// </summary>
internal sealed partial class SafeBindingCheck(
    IConfiguration configuration, IJobStore store, IServer server, IHostApplicationLifetime lifetime, ILogger<SafeBindingCheck> logger)
    : IHostedService
{
    /// <summary>Exit code of a refused start.</summary>
    public const int RefusedExitCode = 2;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var keys = await store.ListApiKeysAsync(cancellationToken);
        var active = keys.Where(k => k.IsActive).ToList();
        var admins = active.Count(k => k.Role == ApiKeyRole.Admin);
        var exposed = ListenAddresses.Configured(configuration).Where(a => !ListenAddresses.IsLoopback(a)).ToList();

        if (exposed.Count > 0 && admins == 0)
        {
            Log.Refused(logger, string.Join(", ", exposed));
            throw new UnsafeBindingException(string.Join(", ", exposed));
        }
        if (active.Count == 0) Log.NoKeys(logger);
        else Log.Keys(logger, active.Count, admins);
        if (exposed.Count > 0) Log.Exposed(logger, string.Join(", ", exposed));
        if (admins == 0) lifetime.ApplicationStarted.Register(StopIfBoundBeyondLoopback);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Defence in depth: should Kestrel bind a network address from some source not read above, the server
    /// stops at once with the same refusal.</summary>
    private void StopIfBoundBeyondLoopback()
    {
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = bound.Where(a => !ListenAddresses.IsLoopback(a)).ToList();
        if (exposed.Count == 0) return;
        Log.Refused(logger, string.Join(", ", exposed));
        Environment.ExitCode = RefusedExitCode;
        lifetime.StopApplication();
    }

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

/// <summary>The server was asked to listen beyond loopback without an admin key; the reason is already logged.</summary>
internal sealed class UnsafeBindingException(string addresses)
    : Exception($"Refusing to listen on {addresses} without an admin API key.");
