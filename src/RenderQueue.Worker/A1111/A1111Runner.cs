using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Runtime.Backends;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using RenderQueue.Worker.Backends;

namespace RenderQueue.Worker.A1111;

/// <summary>
/// The <c>a1111</c> job type: one blocking <c>txt2img</c>/<c>img2img</c> request per job on a free instance, with
/// <c>/sdapi/v1/progress</c> polled meanwhile (its state is the instance's, which is why an instance must belong to
/// one worker and run one job at a time). Images come back as base64 and become PNG (or sniffed-format) artifacts;
/// the real seeds come from <c>info</c>, a JSON string parsed a second time.
/// </summary>
internal sealed partial class A1111Runner : IBackendRunner, IModelSource
{
    public const string JobType = "a1111";

    private readonly BackendPool<A1111Backend> _pool;
    private readonly A1111Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger<A1111Runner> _logger;

    public A1111Runner(IOptions<A1111Options> options, TimeProvider time, ILogger<A1111Runner> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _pool = new BackendPool<A1111Backend>(_options.Urls
            .Select((url, i) => new A1111Backend(
                $"{JobType}-{i}", new A1111Http(url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/"), _options.ApiAuth),
                i < _options.Gpus.Count ? _options.Gpus[i] : null))
            .ToList());
    }

    public string Type => JobType;

    public IReadOnlyList<IBackend> Backends => _pool.Backends;

    public async Task<JsonElement?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var payload = A1111Payload.Parse(run.Payload);
        // The agent hands each job the free backend it chose; called on its own, the runner picks one.
        if (run.Backend is { Backend: A1111Backend chosen } slot) return await RunOnAsync(chosen, slot, payload, run, cancellationToken);
        using var lease = await _pool.AcquireAsync(cancellationToken);
        return await RunOnAsync(lease.Backend, null, payload, run, cancellationToken);
    }

    private async Task<JsonElement?> RunOnAsync(A1111Backend instance, BackendSlot? slot, A1111Payload payload, JobRun run, CancellationToken cancellationToken)
    {
        if (slot is { State: BackendState.Unhealthy })
            throw new BackendUnavailableException($"A1111 {instance.Url} is down ({slot.Reason}); the job never started on it.");
        try
        {
            return await GenerateAsync(instance.Http, payload, run, cancellationToken);
        }
        finally
        {
            instance.JobEnded();
        }
    }

    private async Task<JsonElement?> GenerateAsync(A1111Http backend, A1111Payload payload, JobRun run, CancellationToken cancellationToken)
    {
        run.Progress.Report(new JobProgress(0, 1, "sent to A1111"));
        Log.Started(_logger, run.JobId, payload.Mode, backend.BaseAddress);

        // The request gets its own deadline rather than the job's token: on cancel it is interrupted, not abandoned,
        // so A1111 is free again before the next job.
        using var deadline = new CancellationTokenSource(_options.RequestTimeout, _time);
        var generating = WorkerTracing.StartStep("a1111 generate")?.SetTag("a1111.mode", payload.Mode).SetTag("a1111.url", backend.BaseAddress.AbsoluteUri);
        var generation = backend.GenerateAsync(payload.Mode, payload.Request, deadline.Token);
        using var polling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = PollProgressAsync(backend, run, polling.Token);
        (int Status, string Body) answer;
        try
        {
            answer = await generation.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await InterruptAsync(backend, generation, deadline);
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            throw Unreachable(backend, e, deadline.IsCancellationRequested);
        }
        finally
        {
            await polling.CancelAsync();
            await progress;
            generating?.Dispose(); // the artifacts' uploads are its siblings, not its children
        }
        return await ReadAnswerAsync(run, backend, answer.Status, answer.Body, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> GetModelsAsync(CancellationToken cancellationToken)
    {
        var models = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var backend in _pool.Backends)
        {
            try
            {
                models.UnionWith(await backend.Http.GetModelsAsync(cancellationToken));
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Log.ModelsUnavailable(_logger, backend.Url, e.Message);
            }
        }
        return [.. models];
    }

    private async Task PollProgressAsync(A1111Http backend, JobRun run, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(_options.ProgressInterval, _time);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    if (await backend.GetProgressAsync(cancellationToken) is { } state && ToProgress(state) is { } progress) run.Progress.Report(progress);
                }
                catch (Exception e) when (e is HttpRequestException or JsonException)
                {
                    // A missed reading is not worth failing the job for; the generation request decides.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the request ended
        }
    }

    /// <summary>Steps over all batches: <c>job_no·sampling_steps + sampling_step</c> of <c>job_count·sampling_steps</c>.</summary>
    internal static JobProgress? ToProgress(JsonElement answer)
    {
        if (!answer.TryGetProperty("state", out var state) || state.ValueKind != JsonValueKind.Object) return null;
        var jobCount = Int(state, "job_count");
        var steps = Int(state, "sampling_steps");
        if (jobCount <= 0 || steps <= 0) return null;
        var value = Math.Clamp(Int(state, "job_no"), 0, jobCount) * steps + Math.Clamp(Int(state, "sampling_step"), 0, steps);
        var job = state.TryGetProperty("job", out var j) && j.ValueKind == JsonValueKind.String ? j.GetString() : null;
        return new JobProgress(Math.Min(value, jobCount * steps), jobCount * steps, string.IsNullOrEmpty(job) ? "generating" : job);
    }

    private async Task InterruptAsync(A1111Http backend, Task<(int, string)> generation, CancellationTokenSource deadline)
    {
        Log.Interrupting(_logger, backend.BaseAddress);
        using var timeout = new CancellationTokenSource(_options.CancelGrace, _time);
        try
        {
            await backend.InterruptAsync(timeout.Token);
            // A1111 answers the interrupted request with 200 and partial images, which are dropped.
            await generation.WaitAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            Log.InterruptUnconfirmed(_logger, backend.BaseAddress, e.Message);
        }
        finally
        {
            await deadline.CancelAsync();
            await ((Task)generation).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<JsonElement?> ReadAnswerAsync(JobRun run, A1111Http backend, int status, string body, CancellationToken cancellationToken)
    {
        var json = ParseOrNull(body);
        if (status != 200) throw StatusFailure(backend, status, body, json);
        if (json is not { ValueKind: JsonValueKind.Object } answer || !answer.TryGetProperty("images", out var images) || images.ValueKind != JsonValueKind.Array)
            throw JobFailedException.Other($"A1111 {backend.BaseAddress} answered 200 without an 'images' list.");

        // "info" is a JSON string: parse it a second time. The seeds it lists are the real ones ("seed" in
        // "parameters" only echoes -1).
        var info = answer.TryGetProperty("info", out var i) && i.ValueKind == JsonValueKind.String ? ParseOrNull(i.GetString()!) : null;
        var firstImage = info is { ValueKind: JsonValueKind.Object } inf && inf.TryGetProperty("index_of_first_image", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : 0;

        var names = new JsonArray();
        var index = 0;
        foreach (var image in images.EnumerateArray())
        {
            if (image.ValueKind != JsonValueKind.String) continue;
            var bytes = Base64.Decode(image.GetString()!, "an A1111 image");
            var (contentType, extension) = ContentTypes.SniffImage(bytes);
            var name = index < firstImage ? $"grid{extension}" : $"image-{index - firstImage + 1}{extension}";
            using (var content = new MemoryStream(bytes, writable: false))
                await run.Artifacts.AddAsync(name, contentType, content, cancellationToken);
            names.Add(name);
            index++;
        }

        var result = new JsonObject { ["artifacts"] = names };
        if (info is { ValueKind: JsonValueKind.Object } parsed)
        {
            if (parsed.TryGetProperty("seed", out var seed)) result["seed"] = JsonNode.Parse(seed.GetRawText());
            if (parsed.TryGetProperty("all_seeds", out var seeds)) result["all_seeds"] = JsonNode.Parse(seeds.GetRawText());
            result["info"] = JsonNode.Parse(parsed.GetRawText());
        }
        Log.Succeeded(_logger, run.JobId, backend.BaseAddress, names.Count);
        return JsonSerializer.SerializeToElement(result);
    }

    private static JobFailedException StatusFailure(A1111Http backend, int status, string body, JsonElement? json)
    {
        var errorName = Text(json, "error");
        // A1111's error shape is {error, detail, body, errors}; "errors" is often empty (an unknown sampler says only
        // "detail"), and validation errors (422) carry a list in "detail": then the body itself says most.
        var snippet = Text(json, "errors") ?? Text(json, "detail") ?? (body.Length > 500 ? body[..500] + "…" : body);
        var message = $"A1111 {backend.BaseAddress} answered {status}{(errorName is null ? "" : " " + errorName)}: {snippet}";
        return status switch
        {
            500 when string.Equals(errorName, "OutOfMemoryError", StringComparison.Ordinal) => JobFailedException.OutOfMemory(message, json),
            400 or 404 or 422 => JobFailedException.InvalidInput(message, json),
            _ => JobFailedException.Other(message, retryable: true, json),
        };
    }

    private Exception Unreachable(A1111Http backend, Exception e, bool timedOut)
    {
        if (timedOut) return JobFailedException.Other($"A1111 {backend.BaseAddress} did not answer within {_options.RequestTimeout}.", innerException: e);
        // Refused or unresolvable: A1111 is not running, the request never started. Anything else broke the
        // connection after the request was sent: A1111 died or restarted mid-render.
        return e is HttpRequestException { HttpRequestError: not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError) }
            ? JobFailedException.Lost($"A1111 {backend.BaseAddress} closed the connection mid-request (restarted or crashed): {e.Message}", e)
            : new BackendUnavailableException($"A1111 {backend.BaseAddress} could not be reached: {e.Message}", e);
    }

    private static JsonElement? ParseOrNull(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A non-empty string field of an object, or null.</summary>
    private static string? Text(JsonElement? json, string name) =>
        json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text ? text : null;

    private static int Int(JsonElement state, string name) =>
        state.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : 0;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Job {JobId}: {Mode} request sent to A1111 {Url}")]
        public static partial void Started(ILogger logger, string jobId, string mode, Uri url);

        [LoggerMessage(2, LogLevel.Information, "Job {JobId}: A1111 {Url} returned {Count} images")]
        public static partial void Succeeded(ILogger logger, string jobId, Uri url, int count);

        [LoggerMessage(3, LogLevel.Information, "Interrupting A1111 {Url}")]
        public static partial void Interrupting(ILogger logger, Uri url);

        [LoggerMessage(4, LogLevel.Warning, "A1111 {Url} did not confirm the interrupt: {Reason}")]
        public static partial void InterruptUnconfirmed(ILogger logger, Uri url, string reason);

        [LoggerMessage(5, LogLevel.Warning, "Could not list the models of A1111 {Url}: {Reason}")]
        public static partial void ModelsUnavailable(ILogger logger, Uri url, string reason);
    }
}
