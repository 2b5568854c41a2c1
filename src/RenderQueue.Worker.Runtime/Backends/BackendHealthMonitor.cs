using Microsoft.Extensions.Logging;

namespace RenderQueue.Worker.Runtime.Backends;

/// <summary>
/// Probes every backend each <see cref="AgentOptions.HealthInterval"/>, each on its own loop so a backend that hangs
/// delays no other; a probe that takes longer than <see cref="AgentOptions.HealthTimeout"/> counts as failed.
/// </summary>
internal sealed partial class BackendHealthMonitor(BackendRegistry registry, AgentOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Probes every backend once (before registering, so the first report is real).</summary>
    public Task ProbeAllAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(registry.Slots.Select(s => ProbeAsync(s, cancellationToken)));

    /// <summary>Probes until <paramref name="cancellationToken"/> fires.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(registry.Slots.Select(s => Task.Run(() => LoopAsync(s, cancellationToken), CancellationToken.None)));

    private async Task LoopAsync(BackendSlot slot, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(options.HealthInterval, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested) return;
            await ProbeAsync(slot, cancellationToken);
        }
    }

    internal async Task ProbeAsync(BackendSlot slot, CancellationToken cancellationToken)
    {
        BackendProbe probe;
        try
        {
            using var timeout = new CancellationTokenSource(options.HealthTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            probe = await slot.Backend.ProbeAsync(linked.Token).WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (OperationCanceledException)
        {
            probe = BackendProbe.Failed($"no answer to its health probe within {options.HealthTimeout}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Text.Json.JsonException)
        {
            probe = BackendProbe.Failed(e.Message);
        }
        var was = slot.State;
        if (!slot.Apply(probe)) return;
        if (probe.Healthy) Log.Healthy(logger, slot.Id, slot.Backend.Url, was.ToString());
        else Log.Unhealthy(logger, slot.Id, slot.Backend.Url, probe.Reason ?? "unhealthy");
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Backend {BackendId} ({Url}) is unhealthy: {Reason}; no job is leased for it until it answers again")]
        public static partial void Unhealthy(ILogger logger, string backendId, Uri? url, string reason);

        [LoggerMessage(2, LogLevel.Information, "Backend {BackendId} ({Url}) is ready (was {Previous})")]
        public static partial void Healthy(ILogger logger, string backendId, Uri? url, string previous);
    }
}
