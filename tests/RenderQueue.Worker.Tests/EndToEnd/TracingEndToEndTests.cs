using System.Diagnostics;
using OpenTelemetry.Trace;
using RenderQueue.Core.Jobs;
using RenderQueue.Processes;
using RenderQueue.Testing;
using RenderQueue.Worker.Tests.Fakes;
using RenderQueue.Worker.Tests.Runners;
using RenderQueue.Worker.Tests.Support;

namespace RenderQueue.Worker.Tests.EndToEnd;

/// <summary>
/// Server and worker each export their spans (to memory here, through the same registration that sends them over OTLP),
/// and one job's spans form one trace: the submit, the worker's run with its runner's steps, and the completion, even
/// when the server that took the submit is gone before the job ends.
/// </summary>
public sealed class TracingEndToEndTests
{
    [Fact]
    public async Task A_comfyui_job_is_one_trace_from_submit_through_the_worker_to_completion_across_a_server_restart()
    {
        await using var comfy = await FakeComfyUI.StartAsync();
        comfy.StepDelay = TimeSpan.FromMilliseconds(150);
        using var data = new TempDirectory("renderqueue-e2e-tracing");
        var port = FreePort.Next();
        // Tracing is on once an endpoint is set; nothing listens there, the in-memory exporters are what the test reads.
        var otlp = $"http://127.0.0.1:{FreePort.Next()}";
        var settings = new Dictionary<string, string>
        {
            ["Store:Sqlite:Path"] = data.File("renderqueue.db"),
            ["Artifacts:Folder"] = data.File("artifacts"),
            ["Tracing:OtlpEndpoint"] = otlp,
        };
        SpanLog firstServerSpans = new(), secondServerSpans = new(), workerSpans = new();

        using var firstServer = new ServerApp(settings: settings, port: port, services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(firstServerSpans)));
        await using var worker = await WorkerHost.StartAsync(firstServer.Address, s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(workerSpans)),
            "--comfyui", comfy.Url.ToString(), $"--Worker:Tracing:OtlpEndpoint={otlp}");
        var submitted = await firstServer.NewClient().SubmitAsync(Jobs.Request("comfyui", Fixtures.Txt2ImgWorkflow));
        var submit = JobTraceContext.Of(submitted);
        Assert.NotEqual(default, submit.TraceId);
        await ComfyUIRunnerTests.WaitUntil(() => firstServerSpans.Snapshot().Any(s => s.Kind == ActivityKind.Server && s.SpanId == submit.SpanId && s.TraceId == submit.TraceId));

        // The server goes away mid-render and a new one opens the same database: only the job remembers the trace.
        await ComfyUIRunnerTests.WaitUntil(() => comfy.Prompts.Count == 1);
        firstServer.Dispose(); // disposing again at the end is a no-op
        using var secondServer = new ServerApp(settings: settings, port: port, services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(secondServerSpans)));
        var job = await secondServer.NewClient().WaitForFinishedAsync(submitted.Id);
        Jobs.AssertState(JobState.Succeeded, job);
        // A tracer provider listens to its sources process-wide, so spans of other tests' workers running meanwhile
        // reach these exporters too: this job's spans are the ones of its trace.
        Activity[] Traced(SpanLog log) => [.. log.Snapshot().Where(s => s.TraceId == submit.TraceId)];
        await ComfyUIRunnerTests.WaitUntil(() => Traced(workerSpans).Any(s => s.DisplayName == "job run"));

        var run = Assert.Single(Traced(workerSpans), s => s.DisplayName == "job run");
        Assert.Equal((submit.TraceId, submit.SpanId), (run.TraceId, run.ParentSpanId));
        Assert.Equal(submitted.Id, run.GetTagItem("renderqueue.job.id"));
        foreach (var step in new[] { "comfyui queue prompt", "comfyui execute", "comfyui fetch output", "artifact upload" })
        {
            var span = Assert.Single(Traced(workerSpans), s => s.DisplayName == step);
            Assert.Equal((submit.TraceId, run.SpanId), (span.TraceId, span.ParentSpanId));
        }
        var completion = Assert.Single(Traced(secondServerSpans), s => s.DisplayName == "job complete");
        Assert.Equal((submit.TraceId, submit.SpanId), (completion.TraceId, completion.ParentSpanId));
        // The worker's calls are its run's children and carry their context, so the new server's request spans join the trace.
        var completeCall = Assert.Single(Traced(secondServerSpans), s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /api/v1/leases/{jobId}/complete");
        var workerCall = Assert.Single(Traced(workerSpans), s => s.Kind == ActivityKind.Client && s.SpanId == completeCall.ParentSpanId);
        Assert.Equal((submit.TraceId, run.SpanId), (workerCall.TraceId, workerCall.ParentSpanId));
    }
}
