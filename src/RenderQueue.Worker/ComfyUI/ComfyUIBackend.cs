using RenderQueue.Worker.Runtime.Backends;

namespace RenderQueue.Worker.ComfyUI;

/// <summary>One ComfyUI instance: its HTTP routes and its one WebSocket, probed with <c>GET /system_stats</c>.</summary>
internal sealed class ComfyUIBackend(string id, Uri url, int? gpuIndex, ComfyUIHttp http, ComfyUIConnection connection) : IBackend, IAsyncDisposable
{
    public string Id { get; } = id;

    public string Type => ComfyUIRunner.JobType;

    public Uri Url { get; } = url;

    Uri? IBackend.Url => Url;

    public int? GpuIndex { get; } = gpuIndex;

    public ComfyUIHttp Http { get; } = http;

    public ComfyUIConnection Connection { get; } = connection;

    /// <summary>
    /// <c>GET /system_stats</c> answers while a prompt runs (execution has its own thread). What is loaded cannot be
    /// read from ComfyUI: the runner reports the models of the last workflow it ran.
    /// </summary>
    public async Task<BackendProbe> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Http.GetSystemStatsAsync(cancellationToken);
            // Back after an outage: the socket need not wait out its reconnect backoff.
            if (Connection.ClientId is null) Connection.RetryNow();
            return BackendProbe.Ok();
        }
        catch (Exception e) when (ComfyUIHttp.Failed(e, cancellationToken) || e is OperationCanceledException)
        {
            return BackendProbe.Failed(e is OperationCanceledException ? "GET /system_stats did not answer in time" : "GET /system_stats: " + e.Message);
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
