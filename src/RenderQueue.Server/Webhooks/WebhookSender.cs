using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Webhooks;
using RenderQueue.Server.Configuration;

namespace RenderQueue.Server.Webhooks;

/// <summary>
/// One webhook attempt: a signed POST through a client that connects only through <see cref="WebhookTargetGuard"/>,
/// follows no redirects (a 3xx is a failed attempt, as Standard Webhooks says), uses no proxy, sends no cookies and
/// gives up after <see cref="WebhookOptions.Timeout"/>.
/// </summary>
internal sealed class WebhookSender : IDisposable
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public WebhookSender(WebhookTargetGuard guard, IOptions<WebhookOptions> options, TimeProvider time)
    {
        var timeout = options.Value.Timeout;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = guard.ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1), // names are resolved (and checked) again at least this often
            MaxResponseHeadersLength = 16,
        };
        _http = new HttpClient(handler) { Timeout = timeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("RenderQueue-Webhooks", "1"));
        _time = time;
    }

    /// <summary>Sends the delivery to <paramref name="url"/> signed with <paramref name="key"/>; never throws for the
    /// endpoint's faults, which end up in the attempt.</summary>
    public async Task<WebhookAttemptResult> SendAsync(WebhookDelivery delivery, string url, byte[] key, CancellationToken cancellationToken)
    {
        var body = WebhookPayload.Serialize(delivery);
        var at = _time.GetUtcNow();
        var timestamp = at.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(IdHeader, delivery.MessageId);
        request.Headers.TryAddWithoutValidation(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(SignatureHeader, WebhookSignature.Sign(key, delivery.MessageId, timestamp, body));

        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            var error = response.IsSuccessStatusCode ? null : $"The endpoint answered {status} {response.ReasonPhrase}.";
            return new(new WebhookAttempt(0, at, status, error, clock.Elapsed), Refused: false);
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookTargetRefusedException refused)
        {
            return new(new WebhookAttempt(0, at, null, refused.Message, clock.Elapsed), Refused: true);
        }
        catch (HttpRequestException e)
        {
            return new(new WebhookAttempt(0, at, null, $"Could not reach the endpoint: {e.Message}", clock.Elapsed), Refused: false);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(new WebhookAttempt(0, at, null, $"The endpoint did not answer within {_http.Timeout.TotalSeconds:0.###} s.", clock.Elapsed), Refused: false);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>What one attempt did; <paramref name="Refused"/> when the guard would not connect at all.</summary>
internal sealed record WebhookAttemptResult(WebhookAttempt Attempt, bool Refused);
