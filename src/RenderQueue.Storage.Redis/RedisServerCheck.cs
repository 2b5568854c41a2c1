using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>How a Redis server is set up where it matters for not losing jobs.</summary>
/// <param name="EndPoint">The server checked.</param>
/// <param name="MaxMemoryPolicy">Must be <c>noeviction</c>.</param>
/// <param name="AppendOnly">Whether the append-only file is on.</param>
/// <param name="AppendFsync">How often the AOF is fsynced (<c>always</c>, <c>everysec</c>, <c>no</c>); null when unknown.</param>
public sealed record RedisServerSettings(string EndPoint, string MaxMemoryPolicy, bool AppendOnly, string? AppendFsync);

/// <summary>The Redis server is set up so that it may lose accepted jobs; the store refuses to use it.</summary>
public sealed class UnsafeRedisConfigurationException(string message) : Exception(message);

/// <summary>The start-up check a server runs before it uses a Redis store.</summary>
public static partial class RedisServerCheck
{
    /// <summary>
    /// Reads <c>maxmemory-policy</c> and <c>appendonly</c> of every server the configuration names, over a
    /// short-lived connection of its own (CONFIG needs the client's admin mode, which the store's shared
    /// connection does not enable). Any eviction policy other than <c>noeviction</c> throws: Redis would
    /// delete keys under memory pressure, and a deleted key is a lost job, a broken index or a wrong
    /// counter. <c>appendonly no</c> logs a warning: a Redis restart then loses everything since the last
    /// RDB snapshot. An <c>appendfsync</c> other than <c>always</c> logs a milder one: a crash of redis-server or
    /// its machine can then lose the last second or two of writes Redis had already acknowledged.
    /// </summary>
    public static async Task<IReadOnlyList<RedisServerSettings>> VerifyAsync(RedisStoreOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var configuration = RedisConnection.Configure(options, admin: true);
        configuration.AbortOnConnectFail = true;
        using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        try
        {
            return await VerifyAsync(connection, logger, cancellationToken);
        }
        finally
        {
            connection.Close(allowCommandsToComplete: false);
        }
    }

    private static async Task<IReadOnlyList<RedisServerSettings>> VerifyAsync(ConnectionMultiplexer connection, ILogger logger, CancellationToken cancellationToken)
    {
        var results = new List<RedisServerSettings>();
        foreach (var endPoint in connection.GetEndPoints())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var server = connection.GetServer(endPoint);
            var settings = await ReadAsync(server);
            if (!string.Equals(settings.MaxMemoryPolicy, "noeviction", StringComparison.OrdinalIgnoreCase))
            {
                throw new UnsafeRedisConfigurationException(
                    $"Redis at {settings.EndPoint} has maxmemory-policy '{settings.MaxMemoryPolicy}'. RenderQueue needs 'noeviction': " +
                    "with any other policy Redis deletes keys when memory runs short, and every evicted key is a lost job, a broken " +
                    "index or a wrong counter. Fix: set 'maxmemory-policy noeviction' in redis.conf (or run " +
                    "'redis-cli CONFIG SET maxmemory-policy noeviction' and 'CONFIG REWRITE'), and give Redis enough memory.");
            }
            if (!settings.AppendOnly) Log.AppendOnlyOff(logger, settings.EndPoint);
            else if (settings.AppendFsync is { } fsync && !string.Equals(fsync, "always", StringComparison.OrdinalIgnoreCase))
                Log.FsyncDeferred(logger, settings.EndPoint, fsync);
            else Log.Verified(logger, settings.EndPoint, settings.MaxMemoryPolicy, settings.AppendFsync ?? "unknown");
            results.Add(settings);
        }
        return results;
    }

    private static async Task<RedisServerSettings> ReadAsync(IServer server)
    {
        var name = server.EndPoint.ToString() ?? "redis";
        try
        {
            var policy = await ConfigValueAsync(server, "maxmemory-policy");
            var appendOnly = await ConfigValueAsync(server, "appendonly");
            var fsync = await ConfigValueAsync(server, "appendfsync");
            return new RedisServerSettings(name, policy ?? "unknown", string.Equals(appendOnly, "yes", StringComparison.OrdinalIgnoreCase), fsync);
        }
        catch (RedisServerException)
        {
            // Managed Redis services often disable CONFIG; INFO carries the same two facts.
            var memory = (await server.InfoAsync("memory")).SelectMany(group => group);
            var persistence = (await server.InfoAsync("persistence")).SelectMany(group => group);
            var policy = memory.FirstOrDefault(pair => pair.Key == "maxmemory_policy").Value;
            var aof = persistence.FirstOrDefault(pair => pair.Key == "aof_enabled").Value;
            return new RedisServerSettings(name, policy ?? "unknown", aof == "1", null);
        }
    }

    private static async Task<string?> ConfigValueAsync(IServer server, string name) =>
        (await server.ConfigGetAsync(name)).FirstOrDefault(pair => string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static partial class Log
    {
        [LoggerMessage(201, LogLevel.Warning,
            "REDIS AT {EndPoint} HAS appendonly no: a Redis restart loses every job accepted since its last snapshot. " +
            "Set 'appendonly yes' (and 'appendfsync everysec' or 'always') for a durable queue")]
        public static partial void AppendOnlyOff(ILogger logger, string endPoint);

        [LoggerMessage(203, LogLevel.Warning,
            "Redis at {EndPoint} has appendfsync {Fsync}: it acknowledges writes before they reach the disk, so a crash of " +
            "redis-server or its machine can lose jobs accepted in the last second or two (more on a busy disk). Set " +
            "'appendfsync always' where every accepted job must survive; see docs/operations.md")]
        public static partial void FsyncDeferred(ILogger logger, string endPoint, string fsync);

        [LoggerMessage(202, LogLevel.Information, "Redis at {EndPoint}: maxmemory-policy {Policy}, appendonly yes, appendfsync {Fsync}")]
        public static partial void Verified(ILogger logger, string endPoint, string policy, string fsync);
    }
}
