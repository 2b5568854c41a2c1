using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Redis;

public static class RedisJobStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RedisJobStore"/> as the <see cref="IJobStore"/>, over one shared
    /// <see cref="RedisConnection"/> (opened on first use) and the registered <see cref="TimeProvider"/>.
    /// Run <see cref="RedisServerCheck.VerifyAsync(RedisStoreOptions, ILogger, CancellationToken)"/> at start-up before serving.
    /// </summary>
    public static IServiceCollection AddRedisJobStore(this IServiceCollection services, Action<RedisStoreOptions>? configure = null)
    {
        var options = new RedisStoreOptions();
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.TryAddSingleton(provider => RedisConnection.Open(provider.GetRequiredService<RedisStoreOptions>()));
        services.AddSingleton(provider => new RedisJobStore(
            provider.GetRequiredService<RedisConnection>().Multiplexer,
            provider.GetRequiredService<RedisStoreOptions>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<RedisJobStore>>()));
        services.AddSingleton<IJobStore>(provider => provider.GetRequiredService<RedisJobStore>());
        return services;
    }
}
