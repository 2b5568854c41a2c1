using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using RenderQueue.Core.Jobs;
using RenderQueue.Processes;
using RenderQueue.Testing;

namespace RenderQueue.Server.Tests;

/// <summary>What a job keeps of its submit's trace, and the server spans that continue it.</summary>
public sealed class TracingTests
{
    private const string ClientTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static async Task<Job> SubmitAsync(HttpClient http, string json, string? traceParent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (traceParent is not null) request.Headers.Add("traceparent", traceParent);
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJobAsync();
    }

    [Fact]
    public async Task An_untraced_server_keeps_the_clients_traceparent_and_makes_up_none()
    {
        using var app = new RenderQueueApp();
        var http = app.CreateClient();

        var traced = await SubmitAsync(http, """{"type": "simulated", "payload": {}}""", ClientTraceParent);
        var untraced = await SubmitAsync(http, """{"type": "simulated", "payload": {}}""", null);

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Equal(ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"), JobTraceContext.Of(traced).TraceId);
        Assert.Contains("\"trace_parent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-", await http.GetStringAsync($"/api/v1/jobs/{traced.Id}"), StringComparison.Ordinal);
        Assert.Null(untraced.TraceParent);
    }

    [Fact]
    public async Task Completion_and_webhook_delivery_are_spans_in_the_submits_trace()
    {
        var spans = new SpanLog();
        await using var receiver = new WebhookReceiver();
        using var app = WebhookTests.Fast(new RenderQueueApp(TimeProvider.System))
            .With("Webhooks:AllowedHosts:0", "127.0.0.1")
            .With("Tracing:OtlpEndpoint", $"http://127.0.0.1:{FreePort.Next()}") // nothing listens: the spans are read from memory
            .WithServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        var http = app.CreateClient();

        var job = await SubmitAsync(http, $$"""{"type": "simulated", "payload": {}, "webhook": "{{receiver.Url}}"}""", ClientTraceParent);
        await http.RegisterWorkerAsync("gpu-1");
        var leased = (await http.LeaseAsync("gpu-1")).Single();
        Assert.Equal(HttpStatusCode.OK, (await http.CompleteAsync(job.Id, leased.Attempt)).StatusCode);
        var received = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(10))).Single();

        var submit = JobTraceContext.Of(job);
        Assert.Equal(ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"), submit.TraceId);
        Assert.Contains(spans.Snapshot(), s => s.Kind == ActivityKind.Server && s.SpanId == submit.SpanId); // the submit request's own span
        var completion = Assert.Single(spans.Snapshot(), s => s.DisplayName == "job complete" && s.TraceId == submit.TraceId);
        Assert.Equal(submit.SpanId, completion.ParentSpanId);
        // The delivery's span ends after the receiver answered.
        var delivery = (await Http.EventuallyAsync(() => Task.FromResult(spans.Snapshot().Where(s => s.DisplayName == "webhook deliver" && s.TraceId == submit.TraceId).ToList()),
            found => found.Count > 0, "the delivery's span")).Single();
        Assert.Equal(submit.SpanId, delivery.ParentSpanId);
        Assert.Equal(204, delivery.GetTagItem("http.response.status_code")); // what the receiver answers
        Assert.StartsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-", received.TraceParent); // the receiver can join the trace too
    }
}
