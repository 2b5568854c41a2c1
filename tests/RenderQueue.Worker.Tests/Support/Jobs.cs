using System.Text.Json;
using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Worker.Tests.Support;

internal static class Jobs
{
    public static SubmitJobRequest Request(string type, string payloadJson, int? maxAttempts = null) => new()
    {
        Type = type,
        Payload = JsonDocument.Parse(payloadJson).RootElement.Clone(),
        MaxAttempts = maxAttempts,
    };

    /// <summary>Polls the job until it is in one of <paramref name="states"/>; fails with its last form otherwise.</summary>
    public static async Task<Job> WaitForAsync(this RenderQueueClient client, string jobId, TimeSpan timeout, params JobState[] states)
    {
        var until = DateTime.UtcNow + timeout;
        Job job;
        while (true)
        {
            job = await client.GetJobAsync(jobId);
            if (states.Contains(job.State)) return job;
            if (DateTime.UtcNow > until)
                Assert.Fail($"Job {jobId} is {job.State.ToWire()} (attempt {job.Attempt}, error {job.Error?.Class}: {job.Error?.Message}), not {string.Join(" or ", states.Select(s => s.ToWire()))}, after {timeout}.");
            await Task.Delay(25);
        }
    }

    /// <summary>Asserts the state, showing every attempt's outcome and error when it differs.</summary>
    public static void AssertState(JobState expected, Job job)
    {
        if (job.State == expected) return;
        var attempts = string.Join("; ", job.Attempts.Select(a => $"#{a.Number} on {a.WorkerId}: {a.Outcome} {a.Error?.Class} {a.Error?.Message}"));
        Assert.Fail($"Job {job.Id} is {job.State.ToWire()}, expected {expected.ToWire()}. Attempts: {attempts}. Error: {job.Error?.Class} {job.Error?.Message}");
    }

    public static Task<Job> WaitForFinishedAsync(this RenderQueueClient client, string jobId, TimeSpan? timeout = null) =>
        client.WaitForAsync(jobId, timeout ?? TimeSpan.FromSeconds(30), JobState.Succeeded, JobState.Failed, JobState.Canceled);

    /// <summary>Every stored event of the job, replayed from the feed, up to its first terminal event.</summary>
    public static async Task<List<JobEvent>> EventsAsync(this RenderQueueClient client, string jobId)
    {
        var events = new List<JobEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var e in client.StreamEventsAsync(new EventStreamQuery { JobId = jobId, After = 0 }, timeout.Token))
        {
            events.Add(e);
            if (e.State.IsFinished()) break;
        }
        return events;
    }

    public static async Task<byte[]> DownloadAsync(this RenderQueueClient client, string jobId, string name)
    {
        await using var stream = await client.DownloadArtifactAsync(jobId, name);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
