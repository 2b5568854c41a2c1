using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Runtime.Gpus;
using RenderQueue.Worker.Runtime.Simulated;
using RenderQueue.Client;
using RenderQueue.Server.Auth;

namespace RenderQueue.Server.Demo;

/// <summary>Once the server listens: starts a simulated worker against it and submits <see cref="DemoJobs"/>.</summary>
internal sealed partial class DemoWorker(
    IServer server, IHostApplicationLifetime lifetime, ProcessCredential credential, TimeProvider time, ILoggerFactory loggers, ILogger<DemoWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (stoppingToken.IsCancellationRequested) return;

        var address = ReachableAddress(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
        if (address is null)
        {
            Log.NoAddress(logger);
            return;
        }
        using var http = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential.Key); // whatever keys exist
        var client = new RenderQueueClient(http);
        var options = new AgentOptions
        {
            Server = address,
            Id = "demo-worker",
            Name = "Demo worker (simulated, in the server process)",
            Types = [SimulatedRunner.JobType],
            Labels = ["demo"],
            Concurrency = 2,
            DrainGrace = TimeSpan.FromSeconds(5),
        };
        var runner = new SimulatedRunner(Options.Create(new SimulatedRunnerOptions()), time);
        var gpus = new NvidiaSmiGpuProbe(Options.Create(new NvidiaSmiOptions { Enabled = false }), NullLogger<NvidiaSmiGpuProbe>.Instance);
        using var agent = new WorkerAgent(client, Options.Create(options), [runner], gpus, time, loggers);

        await agent.StartAsync(stoppingToken);
        try
        {
            await agent.Registered.WaitAsync(stoppingToken);
            var jobs = await client.SubmitBatchAsync(DemoJobs.All, stoppingToken);
            Log.Submitted(logger, jobs.Count, address);
            await Task.Delay(Timeout.InfiniteTimeSpan, time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            await agent.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The first http address, with a wildcard host (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>) made loopback.</summary>
    internal static Uri? ReachableAddress(IEnumerable<string> addresses)
    {
        foreach (var text in addresses)
        {
            if (!Uri.TryCreate(text.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) continue;
            var builder = new UriBuilder(uri);
            if (uri.Host is "0.0.0.0") builder.Host = "127.0.0.1";
            if (uri.Host is "[::]" or "::") builder.Host = "[::1]";
            builder.Path = "/";
            return builder.Uri;
        }
        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Demo: a simulated worker runs in this process; submitted {Count} sample jobs to queue 'demo'. Watch them: GET {Address}api/v1/jobs?queue=demo")]
        public static partial void Submitted(ILogger logger, int count, Uri address);

        [LoggerMessage(2, LogLevel.Warning, "Demo: the server has no http address to reach itself at; the demo worker does not start")]
        public static partial void NoAddress(ILogger logger);
    }
}
