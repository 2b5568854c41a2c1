using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using RenderQueue.Core.Json;

namespace RenderQueue.Client;

/// <summary>
/// A typed client of the RenderQueue HTTP API (v1). Thread-safe; share one instance.
/// Every refusal throws <see cref="RenderQueueApiException"/> carrying the server's problem details; a server that
/// cannot be reached throws <see cref="HttpRequestException"/>, and one that does not answer in time a
/// <see cref="TaskCanceledException"/> whose inner exception is a <see cref="TimeoutException"/>.
/// </summary>
public sealed partial class RenderQueueClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = RenderQueueJson.Options;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Func<Uri, CancellationToken, Task<WebSocket>> _connectWebSocket;

    /// <summary>Creates a client with its own <see cref="HttpClient"/>, which <see cref="Dispose"/> releases.</summary>
    /// <param name="options">The server's address, an optional API key and timeouts.</param>
    public RenderQueueClient(RenderQueueClientOptions options)
        : this(CreateHttpClient(options))
    {
        _ownsHttp = true;
        PollInterval = options.PollInterval;
    }

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

    /// <summary>
    /// How often <see cref="WaitForCompletionAsync"/> reads the job when the events WebSocket cannot be used; while
    /// following events it reads the job anyway after five intervals of silence. Default 2 s.
    /// </summary>
    public TimeSpan PollInterval
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(PollInterval), value, "PollInterval must be positive.");
    } = TimeSpan.FromSeconds(2);

    /// <summary>Releases the <see cref="HttpClient"/> this client created; one passed in is left to its owner.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    /// <summary>
    /// An <see cref="HttpClient"/> set up from <paramref name="options"/>: base address (with a trailing slash, so a
    /// server under a path prefix works), timeout, the API key as a bearer token, and pooled connections that are
    /// renewed every few minutes (so DNS changes are seen). The caller owns it.
    /// </summary>
    public static HttpClient CreateHttpClient(RenderQueueClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AutomaticDecompression = DecompressionMethods.All,
        };
        var address = options.BaseAddress.AbsoluteUri.EndsWith('/') ? options.BaseAddress : new Uri(options.BaseAddress.AbsoluteUri + "/");
        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = address, Timeout = options.Timeout };
        if (options.ApiKey is { } key) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

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
