using System.Net;
using System.Net.Http.Headers;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Server.Tests;

public sealed class ArtifactTests : IDisposable
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8];
    private readonly RenderQueueApp _app = new RenderQueueApp()
        .With("Limits:MaxArtifactBytes", "4096")
        .With("Retention:FinishedJobs", "00:01:00")
        .With("Retention:Interval", "00:00:30");
    private readonly HttpClient _http;

    public ArtifactTests() => _http = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    private async Task<Job> RunningJobAsync()
    {
        await _http.RegisterWorkerAsync("gpu-1");
        var job = await _http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        return (await _http.LeaseAsync("gpu-1")).Single(j => j.Id == job.Id);
    }

    private Task<HttpResponseMessage> UploadAsync(string jobId, string name, byte[] bytes, int attempt = 1, string? contentType = "image/png")
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null) content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return _http.PutAsync($"/api/v1/leases/{jobId}/artifacts/{name}?attempt={attempt}", content);
    }

    [Fact]
    public async Task Uploaded_artifact_is_listed_and_downloads_byte_for_byte()
    {
        var job = await RunningJobAsync();
        var uploaded = await (await UploadAsync(job.Id, "ComfyUI_00001_.png", Png)).ReadAsync<ArtifactInfo>();
        Assert.Equal(Png.Length, uploaded.Size);
        Assert.Equal("image/png", uploaded.ContentType);

        var list = await (await _http.GetAsync($"/api/v1/jobs/{job.Id}/artifacts")).ReadAsync<Core.Api.ItemsResponse<ArtifactInfo>>();
        Assert.Equal("ComfyUI_00001_.png", list.Items.Single().Name);

        var download = await _http.GetAsync($"/api/v1/jobs/{job.Id}/artifacts/ComfyUI_00001_.png");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.ArtifactFolder, job.Id), ".upload-*"));
    }

    [Fact]
    public async Task Download_supports_ranges()
    {
        var job = await RunningJobAsync();
        (await UploadAsync(job.Id, "out.png", Png)).EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{job.Id}/artifacts/out.png");
        request.Headers.Range = new RangeHeaderValue(4, 7);
        var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Png[4..8], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Content_type_is_guessed_from_the_name_when_none_is_sent()
    {
        var job = await RunningJobAsync();
        var uploaded = await (await UploadAsync(job.Id, "clip.mp4", Png, contentType: null)).ReadAsync<ArtifactInfo>();
        Assert.Equal("video/mp4", uploaded.ContentType);
    }

    [Fact]
    public async Task Upload_with_a_stale_attempt_is_409_and_leaves_no_file()
    {
        var job = await RunningJobAsync();
        var response = await UploadAsync(job.Id, "late.png", Png, attempt: 2);
        await response.AssertProblemAsync(HttpStatusCode.Conflict, "Attempt 2");
        Assert.False(File.Exists(Path.Combine(_app.ArtifactFolder, job.Id, "late.png")));
        Assert.Empty((await _http.GetJobAsync(job.Id)).Artifacts);
    }

    [Fact]
    public async Task Upload_over_the_limit_is_413_and_leaves_no_file()
    {
        var job = await RunningJobAsync();
        var response = await UploadAsync(job.Id, "huge.bin", new byte[5000]);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "4096 bytes");

        using var chunked = new StreamContent(new MemoryStream(new byte[5000]));
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/leases/{job.Id}/artifacts/huge.bin?attempt=1") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await (await _http.SendAsync(request)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "4096 bytes");

        var folder = Path.Combine(_app.ArtifactFolder, job.Id);
        Assert.True(!Directory.Exists(folder) || !Directory.EnumerateFileSystemEntries(folder).Any());
    }

    [Fact]
    public async Task Missing_artifact_is_404()
    {
        var job = await RunningJobAsync();
        await (await _http.GetAsync($"/api/v1/jobs/{job.Id}/artifacts/nothing.png")).AssertProblemAsync(HttpStatusCode.NotFound, "nothing.png");
    }

    [Fact]
    public async Task Retention_deletes_old_finished_jobs_with_their_artifacts()
    {
        var job = await RunningJobAsync();
        (await UploadAsync(job.Id, "out.png", Png)).EnsureSuccessStatusCode();
        (await _http.CompleteAsync(job.Id, 1)).EnsureSuccessStatusCode();
        Assert.True(Directory.Exists(Path.Combine(_app.ArtifactFolder, job.Id)));

        _app.Clock.Advance(TimeSpan.FromMinutes(2)); // past the retention (1 min here) and a cleaner run

        await Http.EventuallyAsync(() => _http.GetAsync($"/api/v1/jobs/{job.Id}"), r => r.StatusCode == HttpStatusCode.NotFound, "retention to delete the job");
        await Http.EventuallyAsync(() => Task.FromResult(Directory.Exists(Path.Combine(_app.ArtifactFolder, job.Id))), exists => !exists, "retention to delete the artifacts");
    }
}
