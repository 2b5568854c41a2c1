using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Client;

public sealed partial class RenderQueueClient
{
    /// <summary>The output files of a job.</summary>
    public async Task<IReadOnlyList<ArtifactInfo>> ListArtifactsAsync(string jobId, CancellationToken cancellationToken = default) =>
        (await GetAsync<ItemsResponse<ArtifactInfo>>($"api/v1/jobs/{Escape(jobId)}/artifacts", cancellationToken)).Items;

    /// <summary>Opens an output file for reading; dispose the stream when done.</summary>
    public async Task<Stream> DownloadArtifactAsync(string jobId, string name, CancellationToken cancellationToken = default)
    {
        var response = await GetArtifactResponseAsync(jobId, name, cancellationToken);
        try
        {
            return new ResponseStream(await response.Content.ReadAsStreamAsync(cancellationToken), response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Saves an output file to <paramref name="path"/> atomically: it is written to a temporary file in the same folder
    /// and renamed over <paramref name="path"/> only once complete, so a reader never sees half a file and a failed
    /// download leaves any earlier copy untouched. The folder is created when missing. The file's last-write time is
    /// set to the artifact's upload time (the server's <c>Last-Modified</c>). Returns the number of bytes written.
    /// </summary>
    public async Task<long> DownloadArtifactToFileAsync(string jobId, string name, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        Directory.CreateDirectory(folder);

        using var response = await GetArtifactResponseAsync(jobId, name, cancellationToken);
        var partial = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        try
        {
            long written;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await response.Content.CopyToAsync(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                written = file.Length;
            }
            if (response.Content.Headers.LastModified is { } modified) File.SetLastWriteTimeUtc(partial, modified.UtcDateTime);
            File.Move(partial, full, overwrite: true);
            return written;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    private async Task<HttpResponseMessage> GetArtifactResponseAsync(string jobId, string name, CancellationToken ct)
    {
        var response = await _http.GetAsync($"api/v1/jobs/{Escape(jobId)}/artifacts/{Escape(name)}", HttpCompletionOption.ResponseHeadersRead, ct);
        try
        {
            await ThrowIfFailedAsync(response, lease: false, ct);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
