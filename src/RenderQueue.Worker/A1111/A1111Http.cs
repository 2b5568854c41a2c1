using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RenderQueue.Worker.A1111;

/// <summary>A1111's API routes (reference §4), relative to the instance's base URL.</summary>
internal sealed class A1111Http
{
    private readonly HttpClient _http;

    public A1111Http(Uri baseUrl, string? apiAuth)
    {
        // Generation requests set their own (long) deadline; the client's 100 s default would cut them.
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        if (apiAuth is { Length: > 0 })
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(apiAuth)));
    }

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary><c>POST /sdapi/v1/{mode}</c>; the answer's status and body, whatever they are.</summary>
    public async Task<(int Status, string Body)> GenerateAsync(string mode, JsonElement request, CancellationToken cancellationToken)
    {
        using var content = new StringContent(request.GetRawText(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("sdapi/v1/" + mode, content, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary><c>GET /sdapi/v1/progress?skip_current_image=true</c>: the instance-wide state, or null when unreadable.</summary>
    public async Task<JsonElement?> GetProgressAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("sdapi/v1/progress?skip_current_image=true", cancellationToken);
        if (!response.IsSuccessStatusCode) return null;
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return document.RootElement.Clone();
    }

    /// <summary>The health probe: the status of <c>GET /sdapi/v1/progress?skip_current_image=true</c>.</summary>
    public async Task<int> ProbeAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("sdapi/v1/progress?skip_current_image=true", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary><c>sd_model_checkpoint</c> of <c>GET /sdapi/v1/options</c>: the checkpoint loaded now, e.g.
    /// <c>v1-5-pruned-emaonly.safetensors [6ce0161689]</c>; null when it names none.</summary>
    public async Task<string?> GetLoadedCheckpointAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("sdapi/v1/options", cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("sd_model_checkpoint", out var checkpoint)
            && checkpoint.ValueKind == JsonValueKind.String && checkpoint.GetString() is { Length: > 0 and <= 256 } name ? name : null;
    }

    /// <summary><c>POST /sdapi/v1/interrupt</c>: stops whatever the instance is running now.</summary>
    public async Task InterruptAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync("sdapi/v1/interrupt", null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary><c>GET /sdapi/v1/sd-models</c>: checkpoint titles, model names and file names.</summary>
    public async Task<IReadOnlyList<string>> GetModelsAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("sdapi/v1/sd-models", cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        var names = new List<string>();
        if (document.RootElement.ValueKind != JsonValueKind.Array) return names;
        foreach (var model in document.RootElement.EnumerateArray())
        {
            // Jobs may name a model as "v1-5-pruned-emaonly", "v1-5-pruned-emaonly.safetensors" or the full title.
            if (model.ValueKind != JsonValueKind.Object) continue;
            foreach (var field in new[] { "model_name", "title" })
            {
                if (model.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String) names.Add(value.GetString()!);
            }
            if (model.TryGetProperty("filename", out var file) && file.ValueKind == JsonValueKind.String)
                names.Add(Path.GetFileName(file.GetString()!.Replace('\\', '/')));
        }
        return names;
    }
}
