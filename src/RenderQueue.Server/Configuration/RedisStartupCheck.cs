using System.Net;
using RenderQueue.Storage.Redis;
using StackExchange.Redis;

namespace RenderQueue.Server.Configuration;

/// <summary>
/// Before the server uses Redis, checks that it may: Redis must answer, and its <c>maxmemory-policy</c> must be
/// <c>noeviction</c> (<see cref="RedisServerCheck"/>; <c>appendonly no</c> only warns, loudly). A refusal stops the
/// host from starting, so the process exits non-zero with the reason in its log.
/// </summary>
internal sealed partial class RedisStartupCheck(RedisStoreOptions options, ILogger<RedisStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RedisServerCheck.VerifyAsync(options, logger, cancellationToken);
        }
        catch (UnsafeRedisConfigurationException e)
        {
            Log.Refused(logger, e.Message);
            throw;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            var reason = $"Redis at {EndPoints(options)} (Store:Redis) does not answer: {e.Message}";
            Log.Refused(logger, reason);
            throw new InvalidOperationException(reason, e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The servers the configuration names, without anything else it holds (such as a password).</summary>
    public static string EndPoints(RedisStoreOptions options) =>
        string.Join(", ", ConfigurationOptions.Parse(options.Configuration).EndPoints.Select(endPoint => endPoint switch
        {
            DnsEndPoint dns => $"{dns.Host}:{(dns.Port == 0 ? 6379 : dns.Port)}",
            IPEndPoint ip => $"{ip.Address}:{(ip.Port == 0 ? 6379 : ip.Port)}",
            _ => endPoint.ToString(),
        }));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Critical, "Refusing to start: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);
    }
}
