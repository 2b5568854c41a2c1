using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Workers;

namespace RenderQueue.Worker.Tests.Support;

/// <summary>
/// A RenderQueue server reduced to a script, for agent behaviour the real server cannot be made to show on cue
/// (a 409 in the middle of a run, an outage exactly when a result is reported). It hands out one job, then waits.
/// </summary>
internal sealed class ScriptedServer(Job job) : HttpMessageHandler
{
    private int _leased;

    /// <summary>Answers to renew calls, in order; the last one repeats. Default: 200.</summary>
    public ConcurrentQueue<Func<HttpResponseMessage>> RenewAnswers { get; } = new();

    /// <summary>Answers to complete calls, in order; when empty: 200.</summary>
    public ConcurrentQueue<Func<HttpResponseMessage>> CompleteAnswers { get; } = new();

    /// <summary>Every call, as "METHOD path".</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        Calls.Enqueue($"{request.Method} {path}");
        if (request.Content is not null) await request.Content.ReadAsByteArrayAsync(cancellationToken);
        if (path.EndsWith("/workers/register", StringComparison.Ordinal))
            return Json(new RegisterWorkerResponse(Worker(), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)));
        if (path.EndsWith("/heartbeat", StringComparison.Ordinal)) return Json(new HeartbeatResponse(false));
        if (path == "/api/v1/leases")
        {
            if (Interlocked.Exchange(ref _leased, 1) == 0) return Json(new LeaseJobsResponse([job], TimeSpan.FromSeconds(3)));
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        if (path.EndsWith("/renew", StringComparison.Ordinal))
        {
            if (RenewAnswers.Count > 1 && RenewAnswers.TryDequeue(out var once)) return once();
            return RenewAnswers.TryPeek(out var answer) ? answer() : Json(new RenewLeaseResponse(DateTimeOffset.UtcNow.AddSeconds(3), false));
        }
        if (path.EndsWith("/complete", StringComparison.Ordinal))
            return CompleteAnswers.TryDequeue(out var answer) ? answer() : Json(job with { State = JobState.Succeeded });
        if (path.EndsWith("/fail", StringComparison.Ordinal)) return Json(job with { State = JobState.Failed });
        if (path.EndsWith("/release", StringComparison.Ordinal)) return Json(job with { State = JobState.Queued });
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    public static HttpResponseMessage Problem(HttpStatusCode status) => new(status)
    {
        Content = JsonContent.Create(new { type = "about:blank", title = status.ToString(), status = (int)status }, mediaType: new("application/problem+json")),
    };

    public static Job NewJob(string type, string payloadJson) => new()
    {
        Id = "01scriptedjob000000000000a",
        Queue = "default",
        Type = type,
        Payload = JsonDocument.Parse(payloadJson).RootElement.Clone(),
        State = JobState.Running,
        Attempt = 1,
    };

    private static WorkerInfo Worker() => new()
    {
        Id = "scripted",
        Registration = new WorkerRegistration { Id = "scripted", Name = "scripted", Types = ["test"] },
        RegisteredAt = DateTimeOffset.UtcNow,
        LastSeenAt = DateTimeOffset.UtcNow,
    };

    private static HttpResponseMessage Json<T>(T value) => new(HttpStatusCode.OK) { Content = JsonContent.Create(value, options: RenderQueueJson.Options) };
}
