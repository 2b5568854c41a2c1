using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RenderQueue.Client;

/// <summary>Registers a <see cref="RenderQueueClient"/> in a service collection.</summary>
public static class RenderQueueClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds one shared <see cref="RenderQueueClient"/> (a singleton with its own pooled connections, disposed with the
    /// container), configured by <paramref name="configure"/>, e.g.
    /// <c>services.AddRenderQueueClient((sp, o) => o with { BaseAddress = new("http://gpu-hub:8000") })</c>.
    /// Does nothing when a client is already registered.
    /// </summary>
    public static IServiceCollection AddRenderQueueClient(
        this IServiceCollection services, Func<IServiceProvider, RenderQueueClientOptions, RenderQueueClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(sp => new RenderQueueClient(configure(sp, new RenderQueueClientOptions())));
        return services;
    }

    /// <summary>Adds one shared <see cref="RenderQueueClient"/> with fixed <paramref name="options"/>.</summary>
    public static IServiceCollection AddRenderQueueClient(this IServiceCollection services, RenderQueueClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return services.AddRenderQueueClient((_, _) => options);
    }
}
