using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RenderQueue.Processes;

namespace RenderQueue.Server.Tests;

/// <summary>
/// An endpoint that receives webhooks on real Kestrel (127.0.0.1, a free port), records every request, and answers
/// what its script says for the n-th request (1-based). Verifies signatures the way docs/security.md tells
/// receivers to, written here independently of the server's code.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly Func<int, HttpContext, Task> _answer;

    public WebhookReceiver(Func<int, HttpContext, Task>? answer = null)
    {
        _answer = answer ?? ((_, context) => { context.Response.StatusCode = 204; return Task.CompletedTask; });
        var port = FreePort.Next();
        Url = $"http://127.0.0.1:{port}/hooks";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(ReceiveAsync);
        _app.StartAsync().GetAwaiter().GetResult();
    }

    public string Url { get; }

    public IReadOnlyList<Received> Requests => [.. _received];

    /// <summary>Answers 500 to the first <paramref name="failures"/> requests, then 200.</summary>
    public static WebhookReceiver FailingFirst(int failures) =>
        new((n, context) => { context.Response.StatusCode = n <= failures ? 500 : 200; return Task.CompletedTask; });

    /// <summary>Waits (bounded) until at least <paramref name="count"/> requests arrived.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_received.Count < count)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"The receiver got {_received.Count} of {count} webhooks within {timeout}.");
            await Task.Delay(20);
        }
        return Requests;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var received = new Received(
            context.Request.Method, context.Request.Path + context.Request.QueryString,
            context.Request.Headers["webhook-id"].ToString(), context.Request.Headers["webhook-timestamp"].ToString(),
            context.Request.Headers["webhook-signature"].ToString(), context.Request.ContentType, body.ToArray(), DateTimeOffset.UtcNow,
            context.Request.Headers.TryGetValue("traceparent", out var traceParent) ? traceParent.ToString() : null);
        int n;
        lock (_received)
        {
            _received.Enqueue(received);
            n = _received.Count;
        }
        await _answer(n, context);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed record Received(string Method, string Path, string Id, string Timestamp, string Signature, string? ContentType, byte[] Body, DateTimeOffset At, string? TraceParent)
    {
        public string Text => Encoding.UTF8.GetString(Body);

        /// <summary>Standard Webhooks verification: HMAC-SHA256 of "id.timestamp.body" with the secret's bytes,
        /// compared in constant time with each "v1," signature in the header.</summary>
        public bool HasValidSignature(string secret)
        {
            var key = Convert.FromBase64String(secret["whsec_".Length..]);
            byte[] signed = [.. Encoding.UTF8.GetBytes($"{Id}.{Timestamp}."), .. Body];
            var expected = HMACSHA256.HashData(key, signed);
            return Signature.Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
                && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(s[3..]), expected));
        }
    }
}
