using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>Opens the connection the store and the leader lease share, set up to survive Redis restarts.</summary>
public static class RedisConnection
{
    /// <summary>
    /// Connects without failing when Redis is not up yet (<c>abortConnect=false</c>) and reconnects on its
    /// own with a short exponential backoff, so a restarted Redis is back in use within a few seconds.
    /// </summary>
    public static ConnectionMultiplexer Connect(RedisStoreOptions options)
    {
        options.Validate();
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectRetry = Math.Max(configuration.ConnectRetry, 3);
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        configuration.SyncTimeout = (int)options.CommandTimeout.TotalMilliseconds;
        configuration.ClientName ??= "renderqueue";
        return ConnectionMultiplexer.Connect(configuration);
    }
}
