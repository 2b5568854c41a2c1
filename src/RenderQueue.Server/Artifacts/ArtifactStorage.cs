using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Artifacts;

/// <summary>
/// Artifact files on local disk: <c>{folder}/{job_id}/{name}</c>. Uploads stream to a temp file in the job's
/// folder and are moved into place only after the store accepted them, so a reader never sees half a file and a
/// stale attempt never replaces a good one.
/// </summary>
internal sealed partial class ArtifactStorage(IOptions<ArtifactOptions> options, ILogger<ArtifactStorage> logger)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public string Root { get; } = options.Value.FullPath;

    /// <summary>The file of an artifact; the name must have passed <see cref="ArtifactNames.IsValid"/>.</summary>
    public string PathOf(string jobId, string name)
    {
        var folder = FolderOf(jobId);
        var path = Path.GetFullPath(Path.Combine(folder, name));
        // Defence in depth: ArtifactNames already rules out separators and dot names.
        if (!ArtifactNames.IsValid(name) || !path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw RequestValidationException.For("name", $"The artifact name '{name}' leaves the job's folder.");
        return path;
    }

    /// <summary>A job's folder: only a well-formed job id names one, so no id can point elsewhere.</summary>
    private string FolderOf(string jobId)
    {
        if (!JobId.IsValid(jobId)) throw new JobNotFoundException(jobId);
        return Path.Combine(Root, jobId);
    }

    /// <summary>The content type the client sent, or one guessed from the file extension when it sent none, or
    /// only a tool's default (<c>application/octet-stream</c>, curl's <c>application/x-www-form-urlencoded</c>).</summary>
    public static string ContentTypeOf(string name, string? sent) =>
        !string.IsNullOrWhiteSpace(sent)
        && !sent.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
        && !sent.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            ? sent
            : ContentTypes.TryGetContentType(name, out var guessed) ? guessed : "application/octet-stream";

    /// <summary>Copies <paramref name="body"/> to a temp file next to its final place, refusing more than
    /// <paramref name="limit"/> bytes as they arrive.</summary>
    public async Task<PendingArtifact> ReceiveAsync(string jobId, string name, Stream body, long limit, CancellationToken ct)
    {
        var final = PathOf(jobId, name);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var temp = Path.Combine(Path.GetDirectoryName(final)!, $".upload-{Guid.NewGuid():N}.tmp");
        try
        {
            long size;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81_920, useAsync: true))
            {
                await new LimitedReadStream(body, limit).CopyToAsync(file, ct);
                await file.FlushAsync(ct);
                size = file.Length;
            }
            return new PendingArtifact(temp, final, size);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Moves an accepted upload into place (atomic on one file system).</summary>
    public static void Commit(PendingArtifact pending) => File.Move(pending.TempPath, pending.FinalPath, overwrite: true);

    public void Discard(PendingArtifact pending) => TryDelete(pending.TempPath);

    /// <summary>Deletes a job's folder (retention); missing folders are fine, and an id that is not a job id deletes nothing.</summary>
    public void DeleteJob(string jobId)
    {
        if (!JobId.IsValid(jobId))
        {
            Log.NotAJobId(logger, jobId);
            return;
        }
        var folder = FolderOf(jobId);
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.DeleteFailed(logger, e, folder);
        }
    }

    private void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Log.DeleteFailed(logger, e, path); }
    }
}

/// <summary>An upload on disk under a temp name, waiting for the store to accept it.</summary>
internal sealed record PendingArtifact(string TempPath, string FinalPath, long Size);
