using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Cli.Transfers;

/// <summary>One artifact on disk: where, and whether it was already there.</summary>
internal sealed record SavedArtifact(string JobId, string Path, long Size, bool AlreadyPresent);

/// <summary>
/// Saves a job's artifacts into a folder. Each file is written atomically (a temporary file renamed into place); a file
/// already there with the artifact's size and upload time (second precision, which a download sets) is taken as
/// identical and not downloaded again — the quick check rsync makes.
/// </summary>
internal static class ArtifactDownloader
{
    public static async Task<IReadOnlyList<SavedArtifact>> SaveAsync(RenderQueueClient client, Job job, string folder, CancellationToken ct)
    {
        var saved = new List<SavedArtifact>();
        foreach (var artifact in job.Artifacts)
        {
            // The server only accepts such names; checked again here because this is where a name becomes a path.
            if (!ArtifactNames.IsValid(artifact.Name))
                throw new IOException($"Job {job.Id} has an artifact named '{artifact.Name}', which is not a safe file name; not saved.");
            var path = Path.Combine(folder, artifact.Name);
            if (IsPresent(path, artifact))
            {
                saved.Add(new SavedArtifact(job.Id, path, artifact.Size, AlreadyPresent: true));
                continue;
            }
            var size = await client.DownloadArtifactToFileAsync(job.Id, artifact.Name, path, ct);
            saved.Add(new SavedArtifact(job.Id, path, size, AlreadyPresent: false));
        }
        return saved;
    }

    private static bool IsPresent(string path, ArtifactInfo artifact)
    {
        var file = new FileInfo(path);
        return file.Exists && file.Length == artifact.Size
            && new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeSeconds() == artifact.CreatedAt.ToUnixTimeSeconds();
    }
}
