using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RenderQueue.Worker.ComfyUI;

/// <summary>ComfyUI's HTTP routes, as the reference describes them (section 1). Paths are relative to the backend's base URL.</summary>
internal sealed class ComfyUIHttp(HttpClient http)
{
    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>
    /// True when a call failed on ComfyUI's side (refused, broken, or past <see cref="ComfyUIOptions.RequestTimeout"/>),
    /// not because the job's own token was canceled: the runner turns these into job errors, and lets a cancel through.
    /// </summary>
    public static bool Failed(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested;

    /// <summary>The backend refused the connection or could not be reached at all: nothing was sent to it.</summary>
    public static bool Refused(Exception e) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    /// <summary><c>GET /system_stats</c>, the health probe: throws unless ComfyUI answers 200.</summary>
    public async Task GetSystemStatsAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("system_stats", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        EnsureSuccess(response, "GET /system_stats", null);
    }

    /// <summary><c>POST /prompt</c>. A 400 comes back as <see cref="PromptSubmission.Rejected"/> with ComfyUI's body.</summary>
    public async Task<PromptSubmission> SubmitPromptAsync(JsonNode workflow, string clientId, string promptId, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["prompt"] = workflow.DeepClone(),
            ["client_id"] = clientId,
            ["prompt_id"] = promptId,
        };
        using var response = await http.PostAsync("prompt", Json(body), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.BadRequest)
            return new PromptSubmission(Rejected: true, TryParse(text), NodeErrors: null);
        EnsureSuccess(response, "POST /prompt", text);
        var answer = TryParse(text);
        JsonElement? nodeErrors = answer is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("node_errors", out var ne)
            && ne.ValueKind == JsonValueKind.Object && ne.EnumerateObject().Any() ? ne : null;
        return new PromptSubmission(Rejected: false, answer, nodeErrors);
    }

    /// <summary><c>GET /history/{id}</c>: the entry, or null while ComfyUI has none (it answers 200 <c>{}</c>).</summary>
    public async Task<JsonElement?> GetHistoryAsync(string promptId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("history/" + Uri.EscapeDataString(promptId), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        EnsureSuccess(response, "GET /history", text);
        var all = TryParse(text);
        return all is { ValueKind: JsonValueKind.Object } h && h.TryGetProperty(promptId, out var entry) ? entry : null;
    }

    /// <summary><c>GET /queue</c>: whether the prompt is running or pending.</summary>
    public async Task<bool> IsQueuedAsync(string promptId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("queue", cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        EnsureSuccess(response, "GET /queue", text);
        if (TryParse(text) is not { ValueKind: JsonValueKind.Object } queue) return false;
        foreach (var list in new[] { "queue_running", "queue_pending" })
        {
            if (!queue.TryGetProperty(list, out var items) || items.ValueKind != JsonValueKind.Array) continue;
            foreach (var item in items.EnumerateArray())
            {
                // Each item is [number, prompt_id, prompt, extra_data, outputs_to_execute].
                if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() > 1 && item[1].ValueKind == JsonValueKind.String
                    && string.Equals(item[1].GetString(), promptId, StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }

    /// <summary><c>POST /interrupt {"prompt_id"}</c>: stops that prompt only if it is the one running (always 200).</summary>
    public async Task InterruptAsync(string promptId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync("interrupt", Json(new JsonObject { ["prompt_id"] = promptId }), cancellationToken);
        EnsureSuccess(response, "POST /interrupt", null);
    }

    /// <summary><c>POST /queue {"delete": [id]}</c>: removes the prompt while it is still pending (a running one is untouched).</summary>
    public async Task DeleteFromQueueAsync(string promptId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync("queue", Json(new JsonObject { ["delete"] = new JsonArray(promptId) }), cancellationToken);
        EnsureSuccess(response, "POST /queue", null);
    }

    /// <summary><c>POST /upload/image</c> (multipart, overwrite): the name and subfolder ComfyUI stored it under.</summary>
    public async Task<(string Name, string Subfolder)> UploadImageAsync(string name, byte[] data, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(data);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "image", name);
        form.Add(new StringContent("input"), "type");
        form.Add(new StringContent("true"), "overwrite");
        using var response = await http.PostAsync("upload/image", form, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        EnsureSuccess(response, "POST /upload/image", text);
        var answer = TryParse(text);
        var storedName = answer is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("name", out var n) ? n.GetString() : null;
        var subfolder = answer is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("subfolder", out var s) ? s.GetString() : null;
        return (storedName ?? name, subfolder ?? "");
    }

    /// <summary><c>GET /view</c>: an output file, or null when ComfyUI no longer has it (404).</summary>
    public async Task<HttpResponseMessage?> ViewAsync(string fileName, string subfolder, string type, CancellationToken cancellationToken)
    {
        var query = $"view?filename={Uri.EscapeDataString(fileName)}&subfolder={Uri.EscapeDataString(subfolder)}&type={Uri.EscapeDataString(type)}";
        var response = await http.GetAsync(query, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new HttpRequestException($"GET /view answered {status} for '{fileName}'.", null, (HttpStatusCode)status);
        }
        return response;
    }

    /// <summary>Installed checkpoints: <c>GET /models/checkpoints</c>, or <c>object_info</c> of CheckpointLoaderSimple on older builds.</summary>
    public async Task<IReadOnlyList<string>> GetCheckpointsAsync(CancellationToken cancellationToken)
    {
        using (var response = await http.GetAsync("models/checkpoints", cancellationToken))
        {
            if (response.IsSuccessStatusCode && TryParse(await response.Content.ReadAsStringAsync(cancellationToken)) is { ValueKind: JsonValueKind.Array } list)
                return Strings(list);
        }
        using var info = await http.GetAsync("object_info/CheckpointLoaderSimple", cancellationToken);
        var text = await info.Content.ReadAsStringAsync(cancellationToken);
        EnsureSuccess(info, "GET /object_info/CheckpointLoaderSimple", text);
        // {"CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [[names…], {…}]}}}}
        if (TryParse(text) is { ValueKind: JsonValueKind.Object } root
            && root.TryGetProperty("CheckpointLoaderSimple", out var node)
            && node.TryGetProperty("input", out var input) && input.TryGetProperty("required", out var required)
            && required.TryGetProperty("ckpt_name", out var ckpt) && ckpt.ValueKind == JsonValueKind.Array && ckpt.GetArrayLength() > 0
            && ckpt[0].ValueKind == JsonValueKind.Array)
            return Strings(ckpt[0]);
        return [];
    }

    private static IReadOnlyList<string> Strings(JsonElement array) =>
        array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    internal static JsonElement? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
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

    private static void EnsureSuccess(HttpResponseMessage response, string what, string? body)
    {
        if (response.IsSuccessStatusCode) return;
        var snippet = body is { Length: > 0 } ? ": " + (body.Length > 500 ? body[..500] + "…" : body) : "";
        throw new HttpRequestException($"ComfyUI {what} answered {(int)response.StatusCode}{snippet}", null, response.StatusCode);
    }
}

/// <summary>What <c>POST /prompt</c> answered.</summary>
/// <param name="Rejected">400: the prompt was not queued.</param>
/// <param name="Body">ComfyUI's JSON body (on 400: <c>{"error": {…}, "node_errors": {…}}</c>).</param>
/// <param name="NodeErrors">On 200, the node errors of outputs ComfyUI dropped; null when there were none.</param>
internal sealed record PromptSubmission(bool Rejected, JsonElement? Body, JsonElement? NodeErrors);
