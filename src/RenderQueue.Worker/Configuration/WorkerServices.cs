using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Runtime.Gpus;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Worker.Runtime.Simulated;
using RenderQueue.Worker.A1111;
using RenderQueue.Worker.ComfyUI;
using RenderQueue.Worker.Command;

namespace RenderQueue.Worker.Configuration;

internal static class WorkerServices
{
    /// <summary>
    /// The agent, bound to the <c>Worker</c> section, with every runner this worker knows, and tracing when
    /// <paramref name="configuration"/> names an endpoint: everything the worker program runs.
    /// </summary>
    public static IServiceCollection AddRenderQueueWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWorkerTracing(configuration);
        services.AddRenderQueueAgent();
        services.AddOptions<HostOptions>().Configure<IOptions<AgentOptions>>((host, agent) =>
        {
            if (host.ShutdownTimeout < agent.Value.ShutdownTimeout) host.ShutdownTimeout = agent.Value.ShutdownTimeout;
        });
        services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.Section)
            .PostConfigure<IOptions<ComfyUIOptions>, IOptions<A1111Options>, IOptions<CommandOptions>>((agent, comfyUI, a1111, commands) =>
            {
                if (agent.Types.Count == 0) agent.Types = WorkerSetupValidator.DefaultTypes(comfyUI.Value, a1111.Value, commands.Value);
            });
        services.AddSingleton<IValidateOptions<AgentOptions>, WorkerSetupValidator>();

        Bind<ComfyUIOptions>(services, WorkerSetupValidator.ComfyUISection);
        Bind<A1111Options>(services, WorkerSetupValidator.A1111Section);
        Bind<CommandOptions>(services, WorkerSetupValidator.CommandSection);
        Bind<SimulatedRunnerOptions>(services, WorkerSetupValidator.SimulatedSection);
        Bind<NvidiaSmiOptions>(services, WorkerSetupValidator.GpusSection);
        Bind<TracingOptions>(services, WorkerSetupValidator.TracingSection);

        services.AddSingleton<ComfyUIRunner>();
        services.AddSingleton<IJobRunner>(sp => sp.GetRequiredService<ComfyUIRunner>());
        services.AddSingleton<IJobRunner, A1111Runner>();
        services.AddSingleton<IJobRunner, CommandRunner>();
        return services;
    }

    private static void Bind<T>(IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section, binder => binder.ErrorOnUnknownConfiguration = true).ValidateOnStart();
}
