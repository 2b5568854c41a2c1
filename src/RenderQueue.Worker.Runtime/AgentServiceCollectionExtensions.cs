using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime.Gpus;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Worker.Runtime.Simulated;
using RenderQueue.Client;

namespace RenderQueue.Worker.Runtime;

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

    /// <summary>
    /// Adds the agent and runs it as a hosted service: it talks to <see cref="AgentOptions.Server"/> through its own
    /// <see cref="RenderQueueClient"/> (registered under <see cref="WorkerAgent.ClientKey"/>, which tests may replace),
    /// The host's shutdown timeout must cover <see cref="AgentOptions.DrainGrace"/> (see <see cref="AgentOptions.ShutdownTimeout"/>).
    /// </summary>
    public static IServiceCollection AddRenderQueueAgent(this IServiceCollection services)
    {
        services.AddRenderQueueAgentCore();
        services.TryAddKeyedSingleton(WorkerAgent.ClientKey, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            // Per-call deadlines come from the agent (CallTimeout, LeaseWait); uploads are bounded by their own progress.
            var http = new HttpClient { BaseAddress = options.Server, Timeout = Timeout.InfiniteTimeSpan };
            if (options.ApiKey is { } key) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return new RenderQueueClient(http);
        });
        services.AddSingleton<WorkerAgent>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkerAgent>());
        return services;
    }
}
