using System.Text.Json;
using System.Text.Json.Nodes;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Runtime.Backends;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;

namespace RenderQueue.Worker.ComfyUI;

/// <summary>
/// One job on one ComfyUI instance, following the reference to the letter:
/// <list type="number">
/// <item>upload the inputs; watch our own <c>prompt_id</c> before <c>POST /prompt</c>, so early events are buffered;</item>
/// <item>turn <c>progress</c> (value/max) and <c>executing</c> (node) into job progress;</item>
/// <item>finished means <c>executing</c> with <c>node: null</c> (never <c>execution_success</c>, which comes before
/// the history is written); then <c>/history/{id}</c> is the truth: success, error (OOM or not) or interrupt;</item>
/// <item>if our socket drops, events for the prompt are gone for good: poll <c>/history</c> and <c>/queue</c>, and call
/// the prompt lost when ComfyUI answers again but has it in neither (it restarted);</item>
/// <item>download every output with <c>/view</c> and upload it as an artifact;</item>
/// <item>on cancel: <c>POST /interrupt {"prompt_id"}</c> and <c>POST /queue {"delete": [id]}</c>, then wait briefly for
/// ComfyUI to confirm.</item>
/// </list>
/// With the agent's <paramref name="slot"/>: a backend found down before the prompt is queued throws
/// <see cref="BackendUnavailableException"/> (the job is released, no attempt charged); one found down after it is
/// queued (refused, or its probe failing) loses the prompt at once, without waiting <see cref="ComfyUIOptions.LostTimeout"/>.
/// </summary>
internal sealed partial class PromptRun(
    ComfyUIBackend backend, BackendSlot? slot, ComfyUIPayload payload, JobRun run, ComfyUIOptions options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan HistoryWriteWait = TimeSpan.FromSeconds(5);
    private readonly string _promptId = Guid.NewGuid().ToString();
    private JobProgress _progress = new(0, 1);

    public async Task<JsonElement?> ExecuteAsync(CancellationToken cancellationToken)
    {
        if (slot is { State: BackendState.Unhealthy })
            throw new BackendUnavailableException($"ComfyUI {backend.Url} is down ({slot.Reason}); the job never started on it.");
        await UploadInputsAsync(cancellationToken);
        using var watch = backend.Connection.Watch(_promptId);
        string clientId;
        using (WorkerTracing.StartStep("comfyui queue prompt")?.SetTag("comfyui.prompt_id", _promptId).SetTag("comfyui.url", backend.Url.AbsoluteUri))
        {
            clientId = await ConnectAsync(cancellationToken);
            await SubmitAsync(clientId, cancellationToken);
        }

        JsonElement entry;
        using (WorkerTracing.StartStep("comfyui execute"))
        {
            try
            {
                entry = await FollowAsync(watch, clientId, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await StopAsync(watch);
                throw;
            }
        }
        // It ran: what its loader nodes named is what this backend has warm now.
        slot?.ReportLoadedModels(WorkflowModels.Of(run.Payload));

        var outcome = PromptOutcome.Read(entry);
        switch (outcome.Status)
        {
            case PromptStatus.Failed:
                throw Failure(outcome.Message);
            case PromptStatus.Interrupted:
                throw new JobFailedException(new JobError(
                    $"ComfyUI interrupted prompt {_promptId} (someone pressed cancel in ComfyUI, or another client interrupted it).",
                    ErrorClasses.Canceled, outcome.Message), retryable: false);
        }
        var artifacts = await UploadOutputsAsync(outcome.Files, cancellationToken);
        Log.Succeeded(logger, run.JobId, _promptId, backend.Url, artifacts.Count);
        return JsonSerializer.SerializeToElement(new JsonObject
        {
            ["prompt_id"] = _promptId,
            ["backend"] = backend.Url.AbsoluteUri,
            ["outputs"] = outcome.Outputs is { } outputs ? JsonNode.Parse(outputs.GetRawText()) : null,
            ["artifacts"] = new JsonArray([.. artifacts.Select(a => (JsonNode?)a)]),
        });
    }

    private async Task UploadInputsAsync(CancellationToken cancellationToken)
    {
        if (payload.Inputs.Count == 0) return;
        using var span = WorkerTracing.StartStep("comfyui upload inputs");
        foreach (var input in payload.Inputs)
        {
            try
            {
                var (name, subfolder) = await backend.Http.UploadImageAsync(input.Name, input.Data, cancellationToken);
                payload.Rename(input.Name, subfolder.Length == 0 ? name : $"{subfolder}/{name}");
            }
            catch (Exception e) when (ComfyUIHttp.Failed(e, cancellationToken))
            {
                if (ComfyUIHttp.Refused(e)) throw new BackendUnavailableException($"ComfyUI {backend.Url} refused the input upload: {e.Message}", e);
                throw JobFailedException.Other($"Uploading input '{input.Name}' to ComfyUI {backend.Url} failed: {e.Message}", innerException: e);
            }
        }
    }

    private async Task<string> ConnectAsync(CancellationToken cancellationToken)
    {
        using var down = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, slot?.Down ?? CancellationToken.None);
        try
        {
            return await backend.Connection.WaitConnectedAsync(down.Token).WaitAsync(options.LostTimeout, time, down.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackendUnavailableException($"ComfyUI {backend.Url} went down before the job started on it ({slot?.Reason}).", e);
        }
        catch (TimeoutException e)
        {
            throw JobFailedException.Other($"ComfyUI {backend.Url} did not accept a WebSocket within {options.LostTimeout}.", innerException: e);
        }
    }

    private async Task SubmitAsync(string clientId, CancellationToken cancellationToken)
    {
        PromptSubmission submission;
        try
        {
            submission = await backend.Http.SubmitPromptAsync(payload.Workflow, clientId, _promptId, cancellationToken);
        }
        catch (Exception e) when (ComfyUIHttp.Failed(e, cancellationToken))
        {
            // Refused: the prompt never got in. Anything else (a 500, a reset) may or may not have queued it.
            if (ComfyUIHttp.Refused(e)) throw new BackendUnavailableException($"ComfyUI {backend.Url} refused POST /prompt: {e.Message}", e);
            throw JobFailedException.Other($"Submitting the prompt to ComfyUI {backend.Url} failed: {e.Message}", innerException: e);
        }

        if (submission.Rejected)
            throw JobFailedException.InvalidInput("ComfyUI rejected the workflow: " + RejectionMessage(submission.Body), submission.Body);
        if (submission.NodeErrors is { } nodeErrors)
        {
            // ComfyUI queued what validated and silently dropped the invalid outputs: a partial render is not what was asked.
            await CancelPromptAsync();
            var details = JsonSerializer.SerializeToElement(new JsonObject { ["node_errors"] = JsonNode.Parse(nodeErrors.GetRawText()) });
            throw JobFailedException.InvalidInput("ComfyUI dropped output nodes that failed validation; see node_errors.", details);
        }
        Log.Submitted(logger, run.JobId, _promptId, backend.Url, clientId);
        Report(new JobProgress(0, 1, "queued in ComfyUI"));
    }

    /// <summary>Follows the prompt to its end and returns its history entry.</summary>
    private async Task<JsonElement> FollowAsync(PromptWatch watch, string clientId, CancellationToken cancellationToken)
    {
        // The socket may have been replaced between connecting and submitting: then no event will come.
        if (!string.Equals(backend.Connection.ClientId, clientId, StringComparison.Ordinal)) return await PollAsync(cancellationToken);
        while (true)
        {
            ComfyUIEvent evt;
            // A probe that finds the backend down ends the wait for events: polling then tells lost from done.
            using (var down = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, slot?.Down ?? CancellationToken.None))
            {
                try
                {
                    evt = await watch.Events.ReadAsync(down.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return await PollAsync(cancellationToken);
                }
            }
            switch (evt.Type)
            {
                case ComfyUIEvent.SocketDropped when string.Equals(evt.ClientId, clientId, StringComparison.Ordinal):
                    Log.EventsLost(logger, run.JobId, _promptId, backend.Url);
                    return await PollAsync(cancellationToken);
                case "execution_start":
                    Report(new JobProgress(0, 1, "started"));
                    break;
                case "executing" when evt.Node is { } node:
                    Report(_progress with { Message = payload.Describe(node) });
                    break;
                case "executing":
                    return await HistoryAfterDoneAsync(cancellationToken);
                case "progress":
                    var value = Number(evt.Data, "value");
                    var max = Number(evt.Data, "max");
                    var at = Field(evt.Data, "node");
                    if (max > 0) Report(new JobProgress(Math.Clamp(value, 0, max), max, at is null ? _progress.Message : payload.Describe(at)));
                    break;
            }
        }
    }

    /// <summary>After <c>executing {node: null}</c> the entry is written; wait a moment in case a build writes it late.</summary>
    private async Task<JsonElement> HistoryAfterDoneAsync(CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + HistoryWriteWait;
        while (true)
        {
            try
            {
                if (await backend.Http.GetHistoryAsync(_promptId, cancellationToken) is { } entry) return entry;
            }
            catch (Exception e) when (ComfyUIHttp.Failed(e, cancellationToken))
            {
                return await PollAsync(cancellationToken);
            }
            if (time.GetUtcNow() >= until) return await PollAsync(cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }

    /// <summary>
    /// Events are lost: poll until the history has the prompt. Not in the queue and not in the history means ComfyUI
    /// restarted and forgot it (never "done"); unreachable for <see cref="ComfyUIOptions.LostTimeout"/> means the same,
    /// and so, at once, does a refused connection (nothing listens: the process and its queue are gone) or a backend
    /// its probe finds down.
    /// </summary>
    private async Task<JsonElement> PollAsync(CancellationToken cancellationToken)
    {
        var unreachableSince = (DateTimeOffset?)null;
        while (true)
        {
            using var calls = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, slot?.Down ?? CancellationToken.None);
            try
            {
                if (await backend.Http.GetHistoryAsync(_promptId, calls.Token) is { } entry) return entry;
                if (!await backend.Http.IsQueuedAsync(_promptId, calls.Token))
                {
                    // It may have finished between the two calls.
                    if (await backend.Http.GetHistoryAsync(_promptId, calls.Token) is { } late) return late;
                    throw JobFailedException.Lost(
                        $"ComfyUI {backend.Url} no longer has prompt {_promptId}: it is in neither /queue nor /history (ComfyUI restarted or crashed).");
                }
                unreachableSince = null;
            }
            catch (Exception e) when (ComfyUIHttp.Failed(e, cancellationToken) || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (ComfyUIHttp.Refused(e)) slot?.ReportFailure($"refused while running prompt {_promptId}: {e.Message}");
                if (ComfyUIHttp.Refused(e) || slot is { State: BackendState.Unhealthy })
                    throw JobFailedException.Lost($"ComfyUI {backend.Url} went down while running prompt {_promptId} ({slot?.Reason ?? e.Message}).", e);
                unreachableSince ??= time.GetUtcNow();
                if (time.GetUtcNow() - unreachableSince >= options.LostTimeout)
                    throw JobFailedException.Lost($"ComfyUI {backend.Url} has not answered for {options.LostTimeout} while running prompt {_promptId}.", e);
            }
            await Task.Delay(options.PollInterval, time, calls.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Cancel: interrupt the prompt if it runs, delete it if it is pending, and wait briefly for the end.</summary>
    private async Task StopAsync(PromptWatch watch)
    {
        Log.Interrupting(logger, run.JobId, _promptId, backend.Url);
        await CancelPromptAsync();
        using var grace = new CancellationTokenSource(options.CancelGrace, time);
        try
        {
            while (true)
            {
                var evt = await watch.Events.ReadAsync(grace.Token);
                if (evt.Type == ComfyUIEvent.SocketDropped || evt.Type == "executing" && evt.Node is null) return;
            }
        }
        catch (OperationCanceledException)
        {
            Log.InterruptUnconfirmed(logger, _promptId, backend.Url, options.CancelGrace);
        }
    }

    private async Task CancelPromptAsync()
    {
        using var timeout = new CancellationTokenSource(options.RequestTimeout, time);
        try
        {
            await backend.Http.InterruptAsync(_promptId, timeout.Token);
            await backend.Http.DeleteFromQueueAsync(_promptId, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            Log.InterruptFailed(logger, _promptId, backend.Url, e.Message);
        }
    }

    private async Task<List<string>> UploadOutputsAsync(IReadOnlyList<OutputFile> files, CancellationToken cancellationToken)
    {
        var namer = new ArtifactNamer();
        var names = new List<string>();
        foreach (var file in files)
        {
            if (!options.IncludeTempOutputs && !string.Equals(file.Type, "output", StringComparison.Ordinal)) continue;
            HttpResponseMessage? response;
            // The body is read while it is uploaded: this span ends with the answer's headers, "artifact upload" has the rest.
            using (WorkerTracing.StartStep("comfyui fetch output")?.SetTag("comfyui.filename", file.FileName))
            {
                try
                {
                    response = await backend.Http.ViewAsync(file.FileName, file.Subfolder, file.Type, cancellationToken);
                }
                catch (Exception e) when (ComfyUIHttp.Failed(e, cancellationToken))
                {
                    throw JobFailedException.Other($"Downloading output '{file.FileName}' from ComfyUI {backend.Url} failed: {e.Message}", innerException: e);
                }
            }
            if (response is null)
                throw JobFailedException.Other($"ComfyUI {backend.Url} no longer has output '{file.FileName}' (404 from /view): it was deleted before it could be fetched.");
            using (response)
            {
                var name = namer.Next(file.Subfolder.Length == 0 ? file.FileName : $"{file.Subfolder}_{file.FileName}");
                var contentType = response.Content.Headers.ContentType?.MediaType is { Length: > 0 } header && header != ContentTypes.OctetStream
                    ? header : ContentTypes.FromFileName(file.FileName);
                await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
                await run.Artifacts.AddAsync(name, contentType, content, cancellationToken);
                names.Add(name);
            }
        }
        return names;
    }

    private JobFailedException Failure(JsonElement? message)
    {
        var data = message ?? default;
        var details = message is { } m ? JsonSerializer.SerializeToElement(new JsonObject
        {
            ["prompt_id"] = _promptId,
            ["node_id"] = Field(m, "node_id"),
            ["node_type"] = Field(m, "node_type"),
            ["exception_type"] = Field(m, "exception_type"),
            ["exception_message"] = Field(m, "exception_message"),
            ["traceback"] = m.TryGetProperty("traceback", out var tb) ? JsonNode.Parse(tb.GetRawText()) : null,
        }) : (JsonElement?)null;
        var where = Field(data, "node_type") is { } type ? $" in {type} #{Field(data, "node_id")}" : "";
        var text = $"ComfyUI failed{where}: {Field(data, "exception_type")}: {Field(data, "exception_message")?.Trim()}";
        return message is { } error && PromptOutcome.IsOutOfMemory(error)
            ? JobFailedException.OutOfMemory(text, details)
            : JobFailedException.Other(text, retryable: true, details);
    }

    private static string RejectionMessage(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } b || !b.TryGetProperty("error", out var error)) return "400 Bad Request.";
        var message = Field(error, "message") ?? Field(error, "type") ?? "400 Bad Request";
        return Field(error, "details") is { Length: > 0 } details ? $"{message}: {details}" : message;
    }

    private void Report(JobProgress progress)
    {
        _progress = progress;
        run.Progress.Report(progress);
    }

    private static double Number(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    /// <summary>A string field of a ComfyUI object, or null.</summary>
    private static string? Field(JsonElement data, string name) =>
        PromptOutcome.Text(data, name) is { Length: > 0 } text ? text : null;
}
