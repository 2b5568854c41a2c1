using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;

namespace RenderQueue.Cli.Tests;

/// <summary>A worker driven by the test through the client: lease, renew with progress, upload, complete or fail.</summary>
internal sealed class WorkerLoop(RenderQueueClient client, string id = "gpu-1")
{
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

    private async Task<Job> LeaseAsync()
    {
        await client.RegisterWorkerAsync(new WorkerRegistration { Id = id, Name = id, Types = ["comfyui", "simulated"] });
        var leased = await client.LeaseAsync(new LeaseJobsRequest { WorkerId = id, Wait = TimeSpan.FromSeconds(20) });
        return Assert.Single(leased.Jobs);
    }

    /// <summary>Runs the next job to success with one artifact per name.</summary>
    public async Task<Job> RunOneAsync(params string[] artifacts)
    {
        var job = await LeaseAsync();
        await client.RenewAsync(job.LeaseToken, new JobProgress(5, 20, "KSampler #3"));
        await client.RenewAsync(job.LeaseToken, new JobProgress(20, 20, "SaveImage #9"));
        foreach (var name in artifacts)
        {
            using var content = new MemoryStream(Png);
            await client.UploadArtifactAsync(job.LeaseToken, name, content, "image/png");
        }
        return await client.CompleteAsync(job.LeaseToken);
    }

    /// <summary>Fails the next job for good.</summary>
    public async Task<Job> FailOneAsync(string message)
    {
        var job = await LeaseAsync();
        return await client.FailAsync(job.LeaseToken, new JobError(message, ErrorClasses.OutOfMemory), retryable: false);
    }
}
