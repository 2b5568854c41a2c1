using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// The connection the store (and anything else of the server that talks to Redis) shares, set up to
/// survive Redis restarts, and closed promptly on shutdown.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    private RedisConnection(ConnectionMultiplexer multiplexer) => Multiplexer = multiplexer;

    public ConnectionMultiplexer Multiplexer { get; }

    /// <summary>
    /// Connects without failing when Redis is not up yet (<c>abortConnect=false</c>) and reconnects on its
    /// own with a short exponential backoff (250 ms growing to 2 s), so a restarted Redis is back in use
    /// within a few seconds. Subscriptions are renewed by the client library after a reconnect.
    /// While the connection is down a call fails at once (<see cref="BacklogPolicy.FailFast"/>) instead of
    /// waiting in the client's backlog to be sent after the reconnect: the caller gets a 503 and retries, and
    /// no transition runs later than the node that asked for it believes.
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
        configuration.AsyncTimeout = (int)options.CommandTimeout.TotalMilliseconds;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
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
