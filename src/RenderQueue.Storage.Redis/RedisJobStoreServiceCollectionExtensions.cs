using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Redis;

public static class RedisJobStoreServiceCollectionExtensions
{
    /// <summary>Registers the Redis store (see the overload taking <see cref="RedisStoreOptions"/>) with options set by <paramref name="configure"/>.</summary>
    public static IServiceCollection AddRedisJobStore(this IServiceCollection services, Action<RedisStoreOptions>? configure = null)
    {
        var options = new RedisStoreOptions();
        configure?.Invoke(options);
        return services.AddRedisJobStore(options);
    }

    /// <summary>
    /// Registers <see cref="RedisJobStore"/> as the <see cref="IJobStore"/> and <see cref="RedisLeaderElection"/> as the
    /// <see cref="ILeaderElection"/> (also a hosted service, which runs the election), over one shared
    /// <see cref="RedisConnection"/> (opened on first use) and the registered <see cref="TimeProvider"/>.
    /// Run <see cref="RedisServerCheck.VerifyAsync(RedisStoreOptions, ILogger, CancellationToken)"/> at start-up before serving.
    /// </summary>
    public static IServiceCollection AddRedisJobStore(this IServiceCollection services, RedisStoreOptions options)
    {
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.TryAddSingleton(provider => RedisConnection.Open(provider.GetRequiredService<RedisStoreOptions>()));
        services.AddSingleton(OverSharedConnection<RedisJobStore>);
        services.AddSingleton<IJobStore>(provider => provider.GetRequiredService<RedisJobStore>());
        services.AddSingleton(OverSharedConnection<RedisLeaderElection>);
        services.AddSingleton<ILeaderElection>(provider => provider.GetRequiredService<RedisLeaderElection>());
        services.AddHostedService(provider => provider.GetRequiredService<RedisLeaderElection>());
        return services;
    }

    /// <summary>
    /// Builds <typeparamref name="T"/> on the shared connection's multiplexer; the container supplies the rest of its
    /// constructor: the options, the clock and its logger (none when logging is not registered).
    /// </summary>
    private static T OverSharedConnection<T>(IServiceProvider provider) =>
        ActivatorUtilities.CreateInstance<T>(provider, provider.GetRequiredService<RedisConnection>().Multiplexer);
}
