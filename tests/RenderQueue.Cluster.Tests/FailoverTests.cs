using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Workers;

namespace RenderQueue.Cluster.Tests;

/// <summary>
/// <c>kill -9</c> of the leading node (call it A) under load: nginx moves traffic to the other node (B), nothing
/// accepted is lost, and B takes over the leader role and with it the reaper.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan LeaderLease = TimeSpan.FromSeconds(2);

    /// <summary>Short leases and a fast reaper, so a lost lease comes back within the test.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["RENDERQUEUE__Store__RedisOptions__LeaderLease"] = "00:00:02",
        ["RENDERQUEUE__Leases__Duration"] = "00:00:02",
        ["RENDERQUEUE__Leases__ReaperInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task Kill_9_of_the_leading_node_under_load_loses_no_accepted_job_and_the_other_node_takes_over_the_reaper()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var cluster = await Cluster.StartAsync(Settings);
        output.WriteLine($"cluster up in {started.ElapsedMilliseconds} ms");
        var leader = cluster.Client(cluster.Leader.Address);
        await leader.RegisterWorkerAsync(new WorkerRegistration { Id = "doomed", Name = "doomed", Types = ["orphan"] });
        var orphan = await leader.SubmitAsync(new SubmitJobRequest { Type = "orphan", Queue = "orphans", Payload = JsonSerializer.SerializeToElement(new { }) });

        await using var load = ClusterLoad.Start(cluster, cluster.Nginx.Address, "failover", workers: 2);
        await load.UntilCompletedAsync(20, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        // A worker that leased through the leader and died with it: only a reaper can give its job back.
        Assert.Equal(orphan.Id, (await leader.LeaseAsync(new LeaseJobsRequest { WorkerId = "doomed" })).Jobs.Single().Id);

        await cluster.Leader.KillAsync();
        var killedAt = load.Clock.Elapsed;
        var acceptedBefore = load.Accepted.Count;
        var takeover = await Cluster.UntilAsync(async () => await cluster.LeaderAsync(cluster.Follower.Address) == 1, "the surviving node to lead", TimeSpan.FromSeconds(10));
        var firstCompletion = await load.UntilCompletedAsync(20, killedAt, TimeSpan.FromSeconds(20)) - killedAt;
        var reaped = await Cluster.UntilAsync(async () => (await Survivor(cluster).GetJobAsync(orphan.Id)).State != JobState.Running,
            "the surviving node's reaper to requeue the orphaned job", TimeSpan.FromSeconds(15));
        await load.StopSubmittingAsync(TimeSpan.FromSeconds(20));
        var jobs = await load.UntilAllSucceededAsync(TimeSpan.FromSeconds(30));

        output.WriteLine($"the surviving node led {takeover.TotalMilliseconds:0} ms after kill -9 of the leader (leader lease {LeaderLease.TotalSeconds:0} s, bound {2 * LeaderLease.TotalSeconds:0} s)");
        output.WriteLine($"first job completed through nginx {firstCompletion.TotalMilliseconds:0} ms after the kill; the orphaned lease was requeued by the survivor {reaped.TotalMilliseconds:0} ms after it led");
        output.WriteLine($"{acceptedBefore} submits accepted before the kill, {load.Accepted.Count} in all, {jobs.Count} jobs in the queue, all succeeded; errors seen by clients: {load.ErrorSummary}");

        Assert.True(takeover < 2 * LeaderLease, $"the surviving node took {takeover} to lead; the bound is twice the leader lease. {cluster.Logs()}");
        Assert.Contains("is now the leader", cluster.Follower.Log);
        Assert.True(PrometheusText.Value(await cluster.MetricsAsync(cluster.Follower.Address), "renderqueue_leases_reaped_total") >= 1);
        var requeued = await Survivor(cluster).GetJobAsync(orphan.Id);
        Assert.Equal(JobState.Queued, requeued.State);
        Assert.Equal(ErrorClasses.Lost, requeued.Attempts.Single().Error?.Class);

        Assert.Equal(0, load.Unresolved);
        Assert.True(load.Accepted.Count > acceptedBefore, "no submit was accepted after the kill");
        var stored = jobs.Select(j => j.Id).ToHashSet();
        Assert.All(load.Accepted.Values, id => Assert.Contains(id, stored));
        Assert.Equal(load.Accepted.Count, jobs.Count); // an idempotency key resent after an error stored one job
    }

    private static Client.RenderQueueClient Survivor(Cluster cluster) => cluster.Client(cluster.Follower.Address);
}
