using System.Text.Json;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime.Backends;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Worker.Backends;

namespace RenderQueue.Worker.ComfyUI;

/// <summary>
/// The <c>comfyui</c> job type: runs an API-format workflow on one of the configured ComfyUI instances (one job per
/// instance at a time), turns its events into progress, and uploads every output file. See <see cref="PromptRun"/>.
/// </summary>
internal sealed partial class ComfyUIRunner : IBackendRunner, IModelSource, IAsyncDisposable
{
    public const string JobType = "comfyui";

    private readonly BackendPool<ComfyUIBackend> _pool;
    private readonly ComfyUIOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ComfyUIRunner> _logger;

    public ComfyUIRunner(IOptions<ComfyUIOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options.Value;
        _time = time;
        _logger = loggers.CreateLogger<ComfyUIRunner>();
        var connectionLogger = loggers.CreateLogger<ComfyUIConnection>();
        _pool = new BackendPool<ComfyUIBackend>(_options.Urls.Select((url, i) =>
        {
            var baseUrl = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
            var http = new HttpClient { BaseAddress = baseUrl, Timeout = _options.RequestTimeout };
            var gpu = i < _options.Gpus.Count ? _options.Gpus[i] : (int?)null;
            return new ComfyUIBackend($"{JobType}-{i}", baseUrl, gpu, new ComfyUIHttp(http), new ComfyUIConnection(baseUrl, _options, time, connectionLogger));
        }).ToList());
    }

    public string Type => JobType;

    public IReadOnlyList<IBackend> Backends => _pool.Backends;

    public async Task<JsonElement?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var payload = ComfyUIPayload.Parse(run.Payload);
        // The agent hands each job the free backend it chose; called on its own, the runner picks one.
        if (run.Backend is { Backend: ComfyUIBackend chosen } slot)
            return await new PromptRun(chosen, slot, payload, run, _options, _time, _logger).ExecuteAsync(cancellationToken);
        using var lease = await _pool.AcquireAsync(cancellationToken);
        return await new PromptRun(lease.Backend, null, payload, run, _options, _time, _logger).ExecuteAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> GetModelsAsync(CancellationToken cancellationToken)
    {
        var models = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var backend in _pool.Backends)
        {
            try
            {
                models.UnionWith(await backend.Http.GetCheckpointsAsync(cancellationToken));
            }
            catch (Exception e) when (ComfyUIHttp.Failed(e, cancellationToken))
            {
                Log.ModelsUnavailable(_logger, backend.Url, e.Message);
            }
        }
        return [.. models];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _pool.Backends) await backend.DisposeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not list the models of ComfyUI {Url}: {Reason}")]
        public static partial void ModelsUnavailable(ILogger logger, Uri url, string reason);
    }
}
