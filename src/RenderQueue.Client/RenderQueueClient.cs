using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using RenderQueue.Core.Json;

namespace RenderQueue.Client;

/// <summary>
/// A typed client of the RenderQueue HTTP API (v1). Thread-safe; share one instance. The <see cref="HttpClient"/>
/// must have its <see cref="HttpClient.BaseAddress"/> set to the server, e.g. <c>http://localhost:8000/</c>.
/// Every refusal throws <see cref="RenderQueueApiException"/> carrying the server's problem details.
/// </summary>
public sealed partial class RenderQueueClient
{
    private static readonly JsonSerializerOptions Json = RenderQueueJson.Options;

    private readonly HttpClient _http;
    private readonly Func<Uri, CancellationToken, Task<WebSocket>> _connectWebSocket;

    /// <summary>Creates a client over <paramref name="http"/>.</summary>
    /// <param name="http">An HttpClient whose <c>BaseAddress</c> is the server. Its timeout must exceed the longest
    /// lease <c>wait</c> (30 s) for long-polls to work.</param>
    /// <param name="connectWebSocket">Opens the events WebSocket at a <c>ws://</c> or <c>wss://</c> address; by
    /// default a <see cref="ClientWebSocket"/>. Tests pass their in-memory server's connector.</param>
    public RenderQueueClient(HttpClient http, Func<Uri, CancellationToken, Task<WebSocket>>? connectWebSocket = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null) throw new ArgumentException("The HttpClient needs a BaseAddress: the server's URL.", nameof(http));
        _http = http;
        _connectWebSocket = connectWebSocket ?? ConnectClientWebSocketAsync;
    }

    /// <summary>The server's address.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    private Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), ct);

    private Task<T> PostAsync<T>(string path, object? body, CancellationToken ct, bool lease = false) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) }, ct, lease);

    private static JsonContent JsonBody(object? body) => JsonContent.Create(body ?? new { }, body?.GetType() ?? typeof(object), options: Json);

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken ct, bool lease = false)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            await ThrowIfFailedAsync(response, lease, ct);
            return await response.Content.ReadFromJsonAsync<T>(Json, ct)
                ?? throw new InvalidOperationException($"The server answered {request.Method} {request.RequestUri} with an empty body.");
        }
    }

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, bool lease, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var problem = await ReadProblemAsync(response, ct);
        if (lease && response.StatusCode == HttpStatusCode.Conflict) throw new LeaseLostException(response.StatusCode, problem);
        throw new RenderQueueApiException(response.StatusCode, problem);
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var fallback = new ApiProblem { Status = (int)response.StatusCode, Title = response.ReasonPhrase };
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not ("application/problem+json" or "application/json")) return fallback;
        try
        {
            return await response.Content.ReadFromJsonAsync<ApiProblem>(Json, ct) ?? fallback;
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>A <see cref="ClientWebSocket"/> that sends the same <c>Authorization</c> header as the HttpClient.</summary>
    private async Task<WebSocket> ConnectClientWebSocketAsync(Uri uri, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        try
        {
            if (_http.DefaultRequestHeaders.Authorization is { } authorization)
                socket.Options.SetRequestHeader("Authorization", authorization.ToString());
            await socket.ConnectAsync(uri, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
