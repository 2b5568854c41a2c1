namespace RenderQueue.Core.Jobs;

/// <summary>An output file of a job, uploaded by its worker.</summary>
/// <param name="Name">File name, unique within the job (validated by <see cref="Api.ArtifactNames"/>).</param>
/// <param name="Size">Bytes.</param>
/// <param name="ContentType">MIME type, e.g. <c>image/png</c>.</param>
/// <param name="CreatedAt">When the upload finished.</param>
public sealed record ArtifactInfo(string Name, long Size, string ContentType, DateTimeOffset CreatedAt);
