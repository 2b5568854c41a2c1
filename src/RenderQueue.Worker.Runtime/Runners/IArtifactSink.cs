namespace RenderQueue.Worker.Runtime.Runners;

/// <summary>Receives a job's output files.</summary>
public interface IArtifactSink
{
    /// <summary>
    /// Stores one output file under <paramref name="name"/> (one path segment, see
    /// <see cref="Core.Api.ArtifactNames"/>); the stream is read to its end before the task completes.
    /// </summary>
    Task AddAsync(string name, string contentType, Stream content, CancellationToken cancellationToken);
}
