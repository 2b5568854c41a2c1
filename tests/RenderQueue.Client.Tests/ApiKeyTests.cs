using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using RenderQueue.Processes;

namespace RenderQueue.Client.Tests;

/// <summary>The API key reaches a real server (Kestrel on 127.0.0.1) as a bearer token, on requests and on the events socket.</summary>
public sealed class ApiKeyTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _seen = new();
    private WebApplication? _server;
    private Uri? _address;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        _address = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        builder.WebHost.UseUrls(_address.AbsoluteUri);
        _server = builder.Build();
        _server.UseWebSockets();
        _server.Use(async (context, next) =>
        {
            _seen.Enqueue($"{context.Request.Path} {context.Request.Headers.Authorization}");
            await next(context);
        });
        _server.MapGet("/api/v1/events", async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
        });
        _server.MapGet("/api/v1/jobs/{id}", () => Results.Problem("no such job", statusCode: 404, title: "Job not found"));
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_key_is_sent_as_a_bearer_token_on_requests_and_the_events_socket()
    {
        using var client = new RenderQueueClient(new RenderQueueClientOptions { BaseAddress = _address!, ApiKey = "rq_test" });

        var refused = await Assert.ThrowsAsync<RenderQueueApiException>(() => client.GetJobAsync("01m812ryb4qmptbc0q2ts4ny2s"));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        await foreach (var _ in client.StreamEventsAsync()) Assert.Fail("The test server sends no events.");

        Assert.Equal(["/api/v1/jobs/01m812ryb4qmptbc0q2ts4ny2s Bearer rq_test", "/api/v1/events Bearer rq_test"], _seen);
    }

    [Fact]
    public async Task Without_a_key_no_authorization_is_sent()
    {
        using var client = new RenderQueueClient(new RenderQueueClientOptions { BaseAddress = _address! });
        await Assert.ThrowsAsync<RenderQueueApiException>(() => client.GetJobAsync("01m812ryb4qmptbc0q2ts4ny2s"));
        Assert.Equal(["/api/v1/jobs/01m812ryb4qmptbc0q2ts4ny2s "], _seen);
    }
}
