using System.Text.Json;
using RenderQueue.Worker.Runtime.Backends;

namespace RenderQueue.Worker.A1111;

/// <summary>
/// One A1111 instance, probed with <c>GET /sdapi/v1/progress</c> (it answers while generating). Its loaded checkpoint,
/// <c>sd_model_checkpoint</c> of <c>GET /sdapi/v1/options</c>, is a large answer, so it is read only when it may have
/// changed: at the first probe, after a job, and when the instance answers again after a failure.
/// </summary>
internal sealed class A1111Backend(string id, A1111Http http, int? gpuIndex) : IBackend
{
    private volatile bool _modelsStale = true;

    public string Id { get; } = id;

    public string Type => A1111Runner.JobType;

    public Uri Url => Http.BaseAddress;

    Uri? IBackend.Url => Url;

    public int? GpuIndex { get; } = gpuIndex;

    public A1111Http Http { get; } = http;

    /// <summary>A job ran: the next probe reads the loaded checkpoint again (a job may switch it with override_settings).</summary>
    public void JobEnded() => _modelsStale = true;

    /// <summary>The loaded checkpoint; null (unknown, kept stale) when the options cannot be read: that alone is not unhealthy.</summary>
    private async Task<IReadOnlyList<string>?> LoadedModelsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var checkpoint = await Http.GetLoadedCheckpointAsync(cancellationToken);
            _modelsStale = false;
            return checkpoint is null ? [] : [checkpoint];
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            return null;
        }
    }

    public async Task<BackendProbe> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var status = await Http.ProbeAsync(cancellationToken);
            if (status != 200)
            {
                _modelsStale = true;
                return BackendProbe.Failed($"GET /sdapi/v1/progress answered {status}");
            }
            return _modelsStale ? BackendProbe.Ok(await LoadedModelsAsync(cancellationToken)) : BackendProbe.Ok();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException)
        {
            _modelsStale = true;
            return BackendProbe.Failed(e is OperationCanceledException ? "GET /sdapi/v1/progress did not answer in time" : "GET /sdapi/v1/progress: " + e.Message);
        }
    }
}
