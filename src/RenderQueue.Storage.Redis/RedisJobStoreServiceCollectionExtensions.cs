using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RenderQueue.Core.Storage;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

public static class RedisJobStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RedisJobStore"/> as the <see cref="IJobStore"/>, over one shared
    /// <see cref="IConnectionMultiplexer"/> (opened with <see cref="RedisConnection.Connect"/> unless one is
    /// registered already) and the registered <see cref="TimeProvider"/>. Run <see cref="RedisServerCheck.VerifyAsync"/>
    /// at start-up before serving.
    /// </summary>
    public static IServiceCollection AddRedisJobStore(this IServiceCollection services, Action<RedisStoreOptions>? configure = null)
    {
        var options = new RedisStoreOptions();
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.TryAddSingleton<IConnectionMultiplexer>(provider => RedisConnection.Connect(provider.GetRequiredService<RedisStoreOptions>()));
        services.AddSingleton(provider => new RedisJobStore(
            provider.GetRequiredService<IConnectionMultiplexer>(),
            provider.GetRequiredService<RedisStoreOptions>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<RedisJobStore>>()));
        services.AddSingleton<IJobStore>(provider => provider.GetRequiredService<RedisJobStore>());
        return services;
    }
}
