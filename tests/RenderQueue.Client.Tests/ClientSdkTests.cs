using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;
using RenderQueue.Server.Tests;
using RenderQueue.Processes;

namespace RenderQueue.Client.Tests;

/// <summary>The SDK conveniences on top of the raw calls: paging, waiting, saving files, options.</summary>
public sealed class ClientSdkTests : IDisposable
{
    private readonly RenderQueueApp _app = new(TimeProvider.System);
    private readonly RenderQueueClient _client;
    private readonly TempDirectory _folder = new("renderqueue-client");

    public ClientSdkTests() => _client = _app.Client();

    public void Dispose()
    {
        _app.Dispose();
        _folder.Dispose();
    }

    private static SubmitJobRequest Job() => new() { Type = "simulated", Payload = JsonDocument.Parse("{}").RootElement };

    /// <summary>Leases the next job, reports progress, uploads one artifact and completes it.</summary>
    private async Task RunOneJobAsync(byte[] output)
    {
        await _client.RegisterWorkerAsync(new WorkerRegistration { Id = "gpu-1", Name = "gpu-1", Types = ["simulated"] });
        var job = (await _client.LeaseAsync(new LeaseJobsRequest { WorkerId = "gpu-1", Wait = TimeSpan.FromSeconds(10) })).Jobs.Single();
        await _client.RenewAsync(job.LeaseToken, new JobProgress(1, 2, "halfway"));
        using (var content = new MemoryStream(output)) await _client.UploadArtifactAsync(job.LeaseToken, "out.png", content, "image/png");
        await _client.CompleteAsync(job.LeaseToken);
    }

    [Fact]
    public async Task ListAllJobsAsync_walks_every_page()
    {
        var submitted = await _client.SubmitBatchAsync([.. Enumerable.Range(0, 7).Select(_ => Job())]);
        var listed = new List<string>();
        await foreach (var job in _client.ListAllJobsAsync(new JobListQuery { Limit = 3 })) listed.Add(job.Id);
        Assert.Equal(submitted.Select(j => j.Id).Reverse(), listed);
    }

    [Fact]
    public async Task SubmitBatchIdsAsync_returns_the_ids_in_order()
    {
        var ids = await _client.SubmitBatchIdsAsync([Job(), Job() with { Metadata = JsonDocument.Parse("""{"id": "not this"}""").RootElement }, Job()]);
        var listed = new List<string>();
        await foreach (var job in _client.ListAllJobsAsync()) listed.Add(job.Id);
        Assert.Equal(listed.AsEnumerable().Reverse(), ids);
    }

    [Fact]
    public async Task WaitForCompletionAsync_follows_events_to_the_finished_job()
    {
        var submitted = await _client.SubmitAsync(Job());
        var seen = new List<Job>();
        var firstReport = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = _client.WaitForCompletionAsync(submitted.Id, new SynchronousProgress<Job>(job =>
        {
            lock (seen) seen.Add(job);
            firstReport.TrySetResult();
        }));
        await firstReport.Task; // the worker starts once the wait has read the job, so the first report is "queued"
        await RunOneJobAsync([1, 2, 3]);

        var done = await waiting;
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal("out.png", Assert.Single(done.Artifacts).Name);
        Assert.Equal(JobState.Queued, seen[0].State);
    }

    [Fact]
    public async Task WaitForCompletionAsync_polls_when_the_socket_cannot_connect()
    {
        var polling = new RenderQueueClient(_app.CreateClient(), (_, _) => throw new WebSocketException("refused"))
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
        };
        var submitted = await polling.SubmitAsync(Job());
        var waiting = polling.WaitForCompletionAsync(submitted.Id);
        await RunOneJobAsync([1]);
        Assert.Equal(JobState.Succeeded, (await waiting).State);
    }

    [Fact]
    public async Task WaitForCompletionAsync_returns_a_finished_job_at_once()
    {
        var submitted = await _client.SubmitAsync(Job());
        await _client.CancelAsync(submitted.Id);
        Assert.Equal(JobState.Canceled, (await _client.WaitForCompletionAsync(submitted.Id)).State);
    }

    [Fact]
    public async Task DownloadArtifactToFileAsync_writes_the_file_whole_with_the_upload_time()
    {
        var submitted = await _client.SubmitAsync(Job());
        await RunOneJobAsync([9, 8, 7, 6]);
        var artifact = (await _client.ListArtifactsAsync(submitted.Id)).Single();

        var path = Path.Combine(_folder.Path, "nested", "out.png");
        Assert.Equal(4, await _client.DownloadArtifactToFileAsync(submitted.Id, "out.png", path));
        Assert.Equal([9, 8, 7, 6], await File.ReadAllBytesAsync(path));
        Assert.Equal(artifact.CreatedAt.ToUnixTimeSeconds(), new DateTimeOffset(File.GetLastWriteTimeUtc(path)).ToUnixTimeSeconds());
        Assert.Equal(["out.png"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_failed_download_leaves_no_file_behind()
    {
        var submitted = await _client.SubmitAsync(Job());
        var path = Path.Combine(_folder.Path, "missing.png");
        await Assert.ThrowsAsync<RenderQueueApiException>(() => _client.DownloadArtifactToFileAsync(submitted.Id, "missing.png", path));
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void Options_set_the_address_key_and_timeout_of_the_HttpClient()
    {
        using var http = RenderQueueClient.CreateHttpClient(new RenderQueueClientOptions
        {
            BaseAddress = new Uri("http://gpu-hub:8000/renderqueue"),
            ApiKey = "rq_secret",
            Timeout = TimeSpan.FromMinutes(3),
        });
        Assert.Equal("http://gpu-hub:8000/renderqueue/", http.BaseAddress!.AbsoluteUri);
        Assert.Equal("Bearer rq_secret", http.DefaultRequestHeaders.Authorization!.ToString());
        Assert.Equal(TimeSpan.FromMinutes(3), http.Timeout);
        Assert.Throws<ArgumentException>(() => RenderQueueClient.CreateHttpClient(new RenderQueueClientOptions { ApiKey = "two words" }));
    }

    [Fact]
    public void AddRenderQueueClient_registers_one_shared_client()
    {
        var services = new ServiceCollection()
            .AddRenderQueueClient((_, o) => o with { BaseAddress = new Uri("http://gpu-hub:8000") });
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<RenderQueueClient>();
        Assert.Same(client, provider.GetRequiredService<RenderQueueClient>());
        Assert.Equal("http://gpu-hub:8000/", client.BaseAddress.AbsoluteUri);
    }

    /// <summary>Reports on the caller's thread, unlike <see cref="Progress{T}"/>, so a test sees every report in order.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
