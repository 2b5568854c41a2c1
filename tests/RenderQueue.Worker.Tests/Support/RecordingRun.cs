using System.Collections.Concurrent;
using System.Text.Json;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Worker.Tests.Support;

/// <summary>A <see cref="JobRun"/> whose progress and artifacts are kept for the test to look at.</summary>
internal sealed class RecordingRun : IArtifactSink, IProgress<JobProgress>
{
    private readonly ConcurrentQueue<JobProgress> _progress = new();

    public RecordingRun(JsonElement payload, string jobId = "01testjob0000000000000000a", int attempt = 1)
    {
        Run = new JobRun(jobId, attempt, payload, this, this);
    }

    public RecordingRun(string payloadJson, string jobId = "01testjob0000000000000000a", int attempt = 1)
        : this(JsonDocument.Parse(payloadJson).RootElement.Clone(), jobId, attempt)
    {
    }

    public JobRun Run { get; }

    public IReadOnlyList<JobProgress> Progress => [.. _progress];

    public ConcurrentDictionary<string, (string ContentType, byte[] Data)> Artifacts { get; } = new(StringComparer.Ordinal);

    public void Report(JobProgress value) => _progress.Enqueue(value);

    public async Task AddAsync(string name, string contentType, Stream content, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        Assert.True(Artifacts.TryAdd(name, (contentType, copy.ToArray())), $"artifact {name} uploaded twice");
    }
}
