using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// The connection the store (and anything else of the server that talks to Redis) shares, set up to
/// survive Redis restarts, and closed promptly: StackExchange.Redis 1.2.6 waits out its command timeout
/// on <c>Dispose</c> when a subscription is open, which would hold up every shutdown.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    private RedisConnection(ConnectionMultiplexer multiplexer) => Multiplexer = multiplexer;

    public ConnectionMultiplexer Multiplexer { get; }

    /// <summary>
    /// Connects without failing when Redis is not up yet (<c>abortConnect=false</c>) and reconnects on its
    /// own with a short exponential backoff (250 ms growing to 2 s), so a restarted Redis is back in use
    /// within a few seconds. Subscriptions are renewed by the client library after a reconnect.
    /// </summary>
    public static RedisConnection Open(RedisStoreOptions options) => new(ConnectionMultiplexer.Connect(Configure(options, admin: false)));

    /// <summary>The client settings for <paramref name="options"/>; <paramref name="admin"/> allows CONFIG and INFO.</summary>
    internal static ConfigurationOptions Configure(RedisStoreOptions options, bool admin)
    {
        options.Validate();
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectRetry = Math.Max(configuration.ConnectRetry, 3);
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        configuration.SyncTimeout = (int)options.CommandTimeout.TotalMilliseconds;
        configuration.ClientName ??= "renderqueue";
        configuration.AllowAdmin = admin;
        return configuration;
    }

    public void Dispose()
    {
        // Every store call awaits its reply, so nothing is left to finish: close without the QUIT handshake.
        Multiplexer.Close(allowCommandsToComplete: false);
        Multiplexer.Dispose();
    }
}
