using System.Diagnostics;

namespace RenderQueue.Cluster.Tests;

/// <summary>redis-server killed and started again under load, with its append-only file on.</summary>
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(5);

    /// <summary>Short leases, so a lease granted in Redis whose answer was lost in the outage comes back within the test.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["RENDERQUEUE__Leases__Duration"] = "00:00:03",
        ["RENDERQUEUE__Leases__ReaperInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task Workers_resume_within_5_s_of_a_redis_restart_and_no_accepted_job_is_lost()
    {
        var started = Stopwatch.StartNew();
        await using var cluster = await Cluster.StartAsync(Settings);
        output.WriteLine($"cluster up in {started.ElapsedMilliseconds} ms");
        await using var load = ClusterLoad.Start(cluster, cluster.Nginx.Address, "outage", workers: 2);
        await load.UntilCompletedAsync(20, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        var acceptedBefore = load.Accepted.Count;

        cluster.Redis.Kill();
        var killedAt = load.Clock.Elapsed;
        var notReady = await Cluster.UntilAsync(async () =>
            await Cluster.ReadinessAsync(cluster.A.Address) == 503 && await Cluster.ReadinessAsync(cluster.B.Address) == 503,
            "both nodes to report not ready", TimeSpan.FromSeconds(10));
        var restart = Stopwatch.StartNew();
        cluster.Redis.Restart(); // same port and folder: it reloads its append-only file, then answers PING
        var restartTook = restart.Elapsed;
        var backAt = load.Clock.Elapsed;
        var resumed = await load.UntilCompletedAsync(1, backAt, TimeSpan.FromSeconds(30)) - backAt;
        var ready = await Cluster.UntilAsync(async () =>
            await Cluster.ReadinessAsync(cluster.A.Address) == 200 && await Cluster.ReadinessAsync(cluster.B.Address) == 200,
            "both nodes to be ready again", TimeSpan.FromSeconds(10));
        await load.UntilCompletedAsync(20, backAt, TimeSpan.FromSeconds(20));
        await load.StopSubmittingAsync(TimeSpan.FromSeconds(20));
        var drained = Stopwatch.StartNew();
        var jobs = await load.UntilAllSucceededAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"every accepted job succeeded {drained.ElapsedMilliseconds} ms after submitting stopped");

        output.WriteLine($"/health/ready answered 503 on both nodes {notReady.TotalMilliseconds:0} ms after redis-server was killed");
        output.WriteLine($"redis-server was back (AOF loaded, PING answered) {restartTook.TotalMilliseconds:0} ms after its restart began, {(backAt - killedAt).TotalMilliseconds:0} ms after the kill");
        output.WriteLine($"a worker completed a job through nginx {resumed.TotalMilliseconds:0} ms after redis-server was back; both nodes ready after {ready.TotalMilliseconds:0} ms");
        output.WriteLine($"{acceptedBefore} submits accepted before the kill, {load.Accepted.Count} in all, {jobs.Count} jobs in the queue, all succeeded; errors seen by clients: {load.ErrorSummary}");

        Assert.True(resumed < ResumeBound, $"workers resumed {resumed} after Redis was back; the bound is {ResumeBound}. {cluster.Logs()}");
        Assert.Equal(0, load.Unresolved);
        var stored = jobs.Select(j => j.Id).ToHashSet();
        Assert.All(load.Accepted.Values, id => Assert.Contains(id, stored));
        Assert.Equal(load.Accepted.Count, jobs.Count);
    }
}
