using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RenderQueue.Agent.Gpus;
using RenderQueue.Agent.Runners;
using RenderQueue.Agent.Simulated;

namespace RenderQueue.Agent.Agent;

public static class AgentServiceCollectionExtensions
{
    /// <summary>
    /// Adds the agent's parts that need no backend: <see cref="AgentOptions"/> (validated at start), the GPU probe and
    /// the <c>simulated</c> runner. Runners for other types are added as <see cref="IJobRunner"/> singletons.
    /// </summary>
    public static IServiceCollection AddRenderQueueAgentCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AgentOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        services.AddOptions<NvidiaSmiOptions>();
        services.TryAddSingleton<IGpuProbe, NvidiaSmiGpuProbe>();
        services.AddOptions<SimulatedRunnerOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobRunner, SimulatedRunner>());
        return services;
    }
}
