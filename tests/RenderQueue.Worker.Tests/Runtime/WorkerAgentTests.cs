using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Runtime.Backends;
using RenderQueue.Worker.Runtime.Gpus;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using RenderQueue.Worker.Tests.Runners;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.Runtime;

public sealed class WorkerAgentTests
{
    [Fact]
    public async Task A_409_on_renew_stops_the_runner_at_once_and_reports_nothing()
    {
        var server = new ScriptedServer(ScriptedServer.NewJob("test", "{}"));
        var conflictAt = DateTime.MaxValue;
        server.RenewAnswers.Enqueue(() =>
        {
            conflictAt = DateTime.UtcNow;
            return ScriptedServer.Problem(HttpStatusCode.Conflict);
        });
        var runner = new ProgressingRunner();
        using var agent = Agent(server, runner);

        await agent.StartAsync(CancellationToken.None);
        var stoppedAt = await runner.Stopped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await agent.StopAsync(CancellationToken.None);

        Assert.True(stoppedAt - conflictAt < TimeSpan.FromMilliseconds(500), $"the runner ran on for {stoppedAt - conflictAt} after the 409");
        Assert.DoesNotContain(server.Calls, c => c.EndsWith("/complete", StringComparison.Ordinal) || c.EndsWith("/fail", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_finished_result_is_sent_again_through_an_outage_until_the_server_accepts_it()
    {
        var server = new ScriptedServer(ScriptedServer.NewJob("test", "{}"));
        server.CompleteAnswers.Enqueue(() => ScriptedServer.Problem(HttpStatusCode.ServiceUnavailable));
        server.CompleteAnswers.Enqueue(() => throw new HttpRequestException("Connection refused", null, HttpStatusCode.ServiceUnavailable));
        server.CompleteAnswers.Enqueue(() => ScriptedServer.Problem(HttpStatusCode.BadGateway));
        var runner = new ProgressingRunner { Finish = true };
        using var agent = Agent(server, runner);

        await agent.StartAsync(CancellationToken.None);
        await ComfyUIRunnerTests.WaitUntil(() => server.Calls.Count(c => c.EndsWith("/complete", StringComparison.Ordinal)) == 4 && agent.CurrentJobs.Count == 0);
        await agent.StopAsync(CancellationToken.None);

        Assert.Empty(server.CompleteAnswers);
        Assert.Equal(4, server.Calls.Count(c => c.EndsWith("/complete", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_backend_found_down_before_the_job_started_releases_the_job_and_never_fails_it()
    {
        var server = new ScriptedServer(ScriptedServer.NewJob("test", "{}"));
        var runner = new ScriptedBackendRunner(new ScriptedBackend("test-0"))
        {
            Run = _ => throw new BackendUnavailableException("ComfyUI refused POST /prompt: Connection refused"),
        };
        using var agent = Agent(server, runner);

        await agent.StartAsync(CancellationToken.None);
        await ComfyUIRunnerTests.WaitUntil(() => server.Calls.Any(c => c.EndsWith("/release", StringComparison.Ordinal)));
        await agent.StopAsync(CancellationToken.None);

        Assert.DoesNotContain(server.Calls, c => c.EndsWith("/fail", StringComparison.Ordinal) || c.EndsWith("/complete", StringComparison.Ordinal));
        // The backend left the free slots: no second lease call was made for it (the probe, every 2 s, has not run again).
        Assert.Single(server.Calls, c => c.EndsWith("/leases", StringComparison.Ordinal));
    }

    private static WorkerAgent Agent(ScriptedServer server, IJobRunner runner)
    {
        var client = new RenderQueueClient(new HttpClient(server) { BaseAddress = new Uri("http://scripted/") });
        var options = Options.Create(new AgentOptions
        {
            Server = new Uri("http://scripted/"),
            Types = ["test"],
            ProgressInterval = TimeSpan.FromMilliseconds(10),
            RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            DrainGrace = TimeSpan.FromSeconds(1),
        });
        return new WorkerAgent(client, options, [runner], new NoGpus(), TimeProvider.System, NullLoggerFactory.Instance);
    }

    /// <summary>Reports a step every 20 ms until canceled (or finishes at once with <see cref="Finish"/>).</summary>
    private sealed class ProgressingRunner : IJobRunner
    {
        public bool Finish { get; init; }

        /// <summary>When the run ended.</summary>
        public TaskCompletionSource<DateTime> Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Type => "test";

        public async Task<JsonElement?> RunAsync(JobRun run, CancellationToken cancellationToken)
        {
            if (Finish) return JsonSerializer.SerializeToElement(new { ok = true });
            try
            {
                for (var i = 1; ; i++)
                {
                    run.Progress.Report(new JobProgress(i, 1_000_000));
                    await Task.Delay(20, cancellationToken);
                }
            }
            finally
            {
                Stopped.TrySetResult(DateTime.UtcNow);
            }
        }
    }

    private sealed class NoGpus : IGpuProbe
    {
        public Task<IReadOnlyList<GpuInfo>> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<GpuInfo>>([]);
    }
}
