using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Runtime.Gpus;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Worker.Runtime.Simulated;
using RenderQueue.Client;
using RenderQueue.Core.Workers;

namespace RenderQueue.Dashboard.Tests.Support;

/// <summary>What a simulated worker reports about itself: the GPUs and models a real GPU box would.</summary>
public sealed record WorkerProfile(string Id, string Name)
{
    public int Concurrency { get; init; } = 2;
    public IReadOnlyList<string> Queues { get; init; } = [];
    public IReadOnlyList<string> Labels { get; init; } = [];
    public IReadOnlyList<string> Models { get; init; } = [];
    public IReadOnlyList<GpuInfo> Gpus { get; init; } = [];
}

/// <summary>
/// The worker agent (src/RenderQueue.Worker.Runtime) with the simulated runner, in this process, talking to the server over
/// HTTP exactly as a remote worker does: register, heartbeat, long-poll leases, renew with progress, upload the PNG.
/// </summary>
public sealed class SimulatedWorker : IAsyncDisposable
{
    private readonly WorkerAgent _agent;
    private readonly HttpClient _http;

    private SimulatedWorker(WorkerAgent agent, HttpClient http)
    {
        _agent = agent;
        _http = http;
    }

    public static async Task<SimulatedWorker> StartAsync(Uri server, WorkerProfile profile)
    {
        var http = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        var options = new AgentOptions
        {
            Server = server,
            Id = profile.Id,
            Name = profile.Name,
            Types = [SimulatedRunner.JobType],
            Queues = [.. profile.Queues],
            Labels = [.. profile.Labels],
            Concurrency = profile.Concurrency,
            LeaseWait = TimeSpan.FromSeconds(2),
            ProgressInterval = TimeSpan.Zero,
            RetryDelay = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromMilliseconds(500),
            DrainGrace = TimeSpan.Zero, // on dispose, running jobs are released at once
        };
        var runner = new ModelsOf(new SimulatedRunner(Options.Create(new SimulatedRunnerOptions()), TimeProvider.System), profile.Models);
        var agent = new WorkerAgent(new RenderQueueClient(http), Options.Create(options), [runner], new FixedGpus(profile.Gpus), TimeProvider.System, NullLoggerFactory.Instance);
        await agent.StartAsync(CancellationToken.None);
        await agent.Registered.WaitAsync(TimeSpan.FromSeconds(30));
        return new SimulatedWorker(agent, http);
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.StopAsync(CancellationToken.None);
        _agent.Dispose();
        _http.Dispose();
    }

    /// <summary>The simulated runner, reporting the models a ComfyUI box would have.</summary>
    private sealed class ModelsOf(SimulatedRunner inner, IReadOnlyList<string> models) : IJobRunner, IModelSource
    {
        public string Type => inner.Type;

        public Task<JsonElement?> RunAsync(JobRun run, CancellationToken cancellationToken) => inner.RunAsync(run, cancellationToken);

        public Task<IReadOnlyList<string>> GetModelsAsync(CancellationToken cancellationToken) => Task.FromResult(models);
    }

    private sealed class FixedGpus(IReadOnlyList<GpuInfo> gpus) : IGpuProbe
    {
        public Task<IReadOnlyList<GpuInfo>> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(gpus);
    }
}
