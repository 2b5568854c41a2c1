using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RenderQueue.Client;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;

namespace RenderQueue.Cluster.Tests;

/// <summary>Two nodes on one Redis act as one queue: dispatch, events, artifacts and metrics across nodes and through nginx.</summary>
public sealed class CrossNodeTests(ClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly Cluster _cluster = fixture.Cluster;

    [Fact]
    public async Task A_worker_parked_on_node_a_gets_a_job_submitted_through_node_b_before_its_wait_ends()
    {
        var nodeA = _cluster.Client(_cluster.A.Address);
        var nodeB = _cluster.Client(_cluster.B.Address);
        await nodeA.RegisterWorkerAsync(Worker("parked", "pickup"));
        await nodeB.SubmitAsync(Job("pickup"));
        Assert.Single((await nodeA.LeaseAsync(Lease("parked", TimeSpan.Zero))).Jobs); // both connections warm
        var latencies = new List<double>();

        for (var round = 0; round < 10; round++)
        {
            var parked = nodeA.LeaseAsync(Lease("parked", Wait));
            await Task.Delay(100); // real processes: let the request reach node A and park there
            var clock = Stopwatch.StartNew();
            var submitted = await nodeB.SubmitAsync(Job("pickup"));
            var leased = await parked.WaitAsync(Wait + TimeSpan.FromSeconds(5));
            clock.Stop();
            Assert.True(leased.Jobs.Count == 1, $"round {round}: the wait ended without the job");
            Assert.Equal(submitted.Id, leased.Jobs[0].Id);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        var sorted = latencies.Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cross-node pickup (submit sent to B → lease answered by A), ms: median {sorted[sorted.Count / 2]:0.0}, max {sorted[^1]:0.0}, " +
            $"{sorted.Count(l => l < 50)}/{sorted.Count} under 50 ms; all: {string.Join(" ", latencies.Select(l => l.ToString("0.0", CultureInfo.InvariantCulture)))}"));
    }

    [Fact]
    public async Task The_events_websocket_on_node_a_and_through_nginx_sees_a_job_completed_on_node_b()
    {
        var queue = "events";
        var nodeB = _cluster.Client(_cluster.B.Address);
        await nodeB.RegisterWorkerAsync(Worker("events-worker", queue));
        var job = await nodeB.SubmitAsync(Job(queue));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var onNodeA = FirstAsync(_cluster.Client(_cluster.A.Address), queue, job.Id, JobEventTypes.Succeeded, stop.Token);
        var throughNginx = FirstAsync(_cluster.Client(_cluster.Nginx.Address), queue, job.Id, JobEventTypes.Succeeded, stop.Token);
        var bothConnected = Task.WhenAll(onNodeA.Connected, throughNginx.Connected);
        await bothConnected.WaitAsync(stop.Token); // each socket has seen the job's submit event (replayed with after=0)

        var clock = Stopwatch.StartNew();
        var leased = (await nodeB.LeaseAsync(Lease("events-worker", TimeSpan.Zero))).Jobs.Single();
        await nodeB.CompleteAsync(leased.LeaseToken);
        var seenOnA = await onNodeA.Event.WaitAsync(stop.Token);
        var seenThroughNginx = await throughNginx.Event.WaitAsync(stop.Token);
        output.WriteLine($"job.succeeded committed by B reached the socket on A and the one through nginx within {clock.ElapsedMilliseconds} ms of the lease call");

        Assert.Equal((job.Id, JobState.Succeeded), (seenOnA.JobId, seenOnA.State));
        Assert.Equal((job.Id, JobState.Succeeded), (seenThroughNginx.JobId, seenThroughNginx.State));
    }

    [Fact]
    public async Task Each_node_counts_what_it_did_and_both_report_the_same_store_gauges()
    {
        const string queue = "counted";
        var nodeA = _cluster.Client(_cluster.A.Address);
        var nodeB = _cluster.Client(_cluster.B.Address);
        for (var i = 0; i < 3; i++) await nodeA.SubmitAsync(Job(queue));
        for (var i = 0; i < 2; i++) await nodeB.SubmitAsync(Job(queue));
        await nodeB.RegisterWorkerAsync(Worker("counter", queue));
        var leased = (await nodeB.LeaseAsync(Lease("counter", TimeSpan.Zero, maxJobs: 5))).Jobs;
        Assert.Equal(5, leased.Count);
        foreach (var job in leased.Skip(1)) await nodeB.CompleteAsync(job.LeaseToken);
        await nodeA.FailAsync(leased[0].LeaseToken, new JobError("bad workflow", ErrorClasses.InvalidInput), retryable: false);

        var a = await _cluster.MetricsAsync(_cluster.A.Address);
        var b = await _cluster.MetricsAsync(_cluster.B.Address);
        Assert.Equal(3, Counter(a, "renderqueue_jobs_submitted_total", queue));
        Assert.Equal(2, Counter(b, "renderqueue_jobs_submitted_total", queue));
        Assert.Equal((0, 5), (Counter(a, "renderqueue_jobs_leased_total", queue), Counter(b, "renderqueue_jobs_leased_total", queue)));
        Assert.Equal((0, 4), (Counter(a, "renderqueue_jobs_completed_total", queue), Counter(b, "renderqueue_jobs_completed_total", queue)));
        Assert.Equal((1, 0), (Counter(a, "renderqueue_jobs_failed_total", queue), Counter(b, "renderqueue_jobs_failed_total", queue)));
        Assert.Equal(1, PrometheusText.Value(a, "renderqueue_leader") + PrometheusText.Value(b, "renderqueue_leader")); // exactly one leads

        // The job gauges are the store's: the same on both nodes (each caches them for up to a second).
        foreach (var node in new[] { _cluster.A.Address, _cluster.B.Address })
        {
            await Cluster.UntilAsync(async () =>
            {
                var text = await _cluster.MetricsAsync(node);
                return PrometheusText.Value(text, $"renderqueue_jobs{{queue=\"{queue}\",state=\"succeeded\"}}") == 4
                    && PrometheusText.Value(text, $"renderqueue_jobs{{queue=\"{queue}\",state=\"failed\"}}") == 1;
            }, $"the store gauges on {node}", TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task Nginx_passes_long_polls_and_streams_artifact_uploads_that_every_node_serves()
    {
        const string queue = "through-nginx";
        var viaNginx = _cluster.Client(_cluster.Nginx.Address);
        await viaNginx.RegisterWorkerAsync(Worker("nginx-worker", queue));
        var parked = viaNginx.LeaseAsync(Lease("nginx-worker", Wait));
        await Task.Delay(100); // let the long-poll reach a node through nginx and park
        var submitted = await _cluster.Client(_cluster.B.Address).SubmitAsync(Job(queue));
        var leased = (await parked.WaitAsync(Wait + TimeSpan.FromSeconds(5))).Jobs.Single();
        Assert.Equal(submitted.Id, leased.Id);

        var bytes = new byte[3 * 1024 * 1024 + 17]; // larger than nginx's body buffer: streamed, not held
        Random.Shared.NextBytes(bytes);
        var artifact = await viaNginx.UploadArtifactAsync(leased.LeaseToken, "out.bin", new MemoryStream(bytes));
        await viaNginx.CompleteAsync(leased.LeaseToken);

        Assert.Equal(bytes.Length, artifact.Size);
        foreach (var node in new[] { _cluster.A.Address, _cluster.B.Address })
        {
            await using var download = await _cluster.Client(node).DownloadArtifactAsync(leased.Id, "out.bin");
            using var copy = new MemoryStream();
            await download.CopyToAsync(copy);
            Assert.True(bytes.AsSpan().SequenceEqual(copy.ToArray()), $"{node} served different bytes");
        }
    }

    private static double Counter(string metrics, string name, string queue) => PrometheusText.Value(metrics, $"{name}{{queue=\"{queue}\"}}") ?? 0;

    private static SubmitJobRequest Job(string queue) => new() { Type = "simulated", Queue = queue, Payload = JsonSerializer.SerializeToElement(new { }) };

    private static WorkerRegistration Worker(string id, string queue) => new() { Id = id, Name = id, Types = ["simulated"], Queues = [queue] };

    private static LeaseJobsRequest Lease(string worker, TimeSpan wait, int maxJobs = 1) => new() { WorkerId = worker, Wait = wait, MaxJobs = maxJobs };

    /// <summary>Follows the events of <paramref name="queue"/> from the start until <paramref name="jobId"/> has an event of <paramref name="type"/>.</summary>
    private static Watch FirstAsync(RenderQueueClient client, string queue, string jobId, string type, CancellationToken ct)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<JobEvent> Follow()
        {
            try
            {
                await foreach (var e in client.StreamEventsAsync(new EventStreamQuery { Queue = queue, After = 0 }, ct))
                {
                    if (e.JobId != jobId) continue;
                    connected.TrySetResult();
                    if (e.Type == type) return e;
                }
                throw new InvalidOperationException($"The events of {queue} ended before {jobId} had {type}.");
            }
            catch (Exception e)
            {
                connected.TrySetException(e);
                throw;
            }
        }
        return new Watch(connected.Task, Follow());
    }

    private sealed record Watch(Task Connected, Task<JobEvent> Event);
}
