using System.Text.RegularExpressions;

namespace RenderQueue.Server.Tests;

/// <summary>
/// Pins the RenderQueue series that dashboards and alerts are written against: a change of exporter may add series
/// but must not rename one, change its type or change its label set.
/// </summary>
public sealed partial class MetricsSeriesTests
{
    /// <summary>Every <c>renderqueue_*</c> TYPE line, and every sample as its name with its sorted label names.</summary>
    private static readonly string[] Pinned =
    [
        "# TYPE renderqueue_jobs gauge",
        "# TYPE renderqueue_jobs_completed_total counter",
        "# TYPE renderqueue_jobs_failed_total counter",
        "# TYPE renderqueue_jobs_leased_total counter",
        "# TYPE renderqueue_jobs_pickup_latency_seconds histogram",
        "# TYPE renderqueue_jobs_submitted_total counter",
        "# TYPE renderqueue_leader gauge",
        "# TYPE renderqueue_leases_reaped_total counter",
        "# TYPE renderqueue_storage_sqlite_checkpoint_duration histogram",
        "# TYPE renderqueue_workers gauge",
        "# TYPE renderqueue_workers_online gauge",
        "renderqueue_jobs{queue,state}",
        "renderqueue_jobs_completed_total{queue}",
        "renderqueue_jobs_failed_total{queue}",
        "renderqueue_jobs_leased_total{queue}",
        "renderqueue_jobs_pickup_latency_seconds_bucket{le,queue}",
        "renderqueue_jobs_pickup_latency_seconds_count{queue}",
        "renderqueue_jobs_pickup_latency_seconds_sum{queue}",
        "renderqueue_jobs_submitted_total{queue}",
        "renderqueue_leader{}",
        "renderqueue_leases_reaped_total{}",
        "renderqueue_storage_sqlite_checkpoint_duration_bucket{le,mode}",
        "renderqueue_storage_sqlite_checkpoint_duration_count{mode}",
        "renderqueue_storage_sqlite_checkpoint_duration_sum{mode}",
        "renderqueue_workers_online{}",
        "renderqueue_workers{status}",
    ];

    [Fact]
    public async Task Renderqueue_series_keep_their_names_types_and_label_sets()
    {
        using var app = new RenderQueueApp();
        var http = app.CreateClient();
        await http.RegisterWorkerAsync("gpu-1");
        var done = await http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "q"}""");
        Assert.Equal(done.Id, (await http.LeaseAsync("gpu-1")).Single().Id);
        (await http.CompleteAsync(done.Id, 1)).EnsureSuccessStatusCode();
        var failed = await http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "q"}""");
        Assert.Equal(failed.Id, (await http.LeaseAsync("gpu-1")).Single().Id);
        (await http.PostJsonAsync($"/api/v1/leases/{failed.Id}/fail", """{"attempt": 1, "error": {"message": "bad", "class": "invalid_input"}, "retryable": false}""")).EnsureSuccessStatusCode();
        var abandoned = await http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "q"}""");
        Assert.Equal(abandoned.Id, (await http.LeaseAsync("gpu-1")).Single().Id);
        app.Clock.Advance(TimeSpan.FromSeconds(31)); // past the lease, so the reaper counts one

        // The store's checkpointer runs on the wall clock (once a second by default), so its series appears once it has run.
        var text = await Http.EventuallyAsync(() => http.GetStringAsync("/metrics"),
            t => t.Contains("renderqueue_leases_reaped_total 1\n", StringComparison.Ordinal)
                && t.Contains("renderqueue_storage_sqlite_checkpoint_duration_count", StringComparison.Ordinal),
            "the reaper to count the expired lease and the store to record a checkpoint");

        Assert.Equal(Pinned.Order(StringComparer.Ordinal), Signatures(text, "renderqueue_"));
    }

    [Fact]
    public async Task Two_hosts_in_one_process_each_show_only_their_own_series()
    {
        using var a = new RenderQueueApp();
        using var b = new RenderQueueApp();
        var httpA = a.CreateClient();
        var httpB = b.CreateClient();
        await httpA.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "only-a"}""");
        await httpB.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "only-b"}""");
        await httpB.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "only-b"}""");
        (await httpB.GetAsync("/api/v1/queues")).EnsureSuccessStatusCode(); // a route only B served

        var textA = await httpA.GetStringAsync("/metrics");
        var textB = await httpB.GetStringAsync("/metrics");

        Assert.Contains("renderqueue_jobs_submitted_total{queue=\"only-a\"} 1\n", textA);
        Assert.DoesNotContain("only-b", textA);
        Assert.Contains("http_route=\"/api/v1/queues/\"", textB);
        Assert.DoesNotContain("http_route=\"/api/v1/queues/\"", textA); // ASP.NET Core's meters are per host too
        Assert.Contains("renderqueue_jobs_submitted_total{queue=\"only-b\"} 2\n", textB);
        Assert.DoesNotContain("only-a", textB);
    }

    [Fact]
    public async Task Runtime_and_http_series_come_beside_them()
    {
        using var app = new RenderQueueApp();
        var http = app.CreateClient();
        (await http.GetAsync("/api/v1/stats")).EnsureSuccessStatusCode(); // one request for the HTTP histogram

        var text = await http.GetStringAsync("/metrics");

        foreach (var series in new[] { "process_cpu_seconds_total", "dotnet_collection_count_total", "system_runtime_dotnet_gc_collections",
            "system_runtime_dotnet_thread_pool_thread_count", "microsoft_aspnetcore_hosting_http_server_request_duration_bucket" })
            Assert.Contains("\n" + series, text);
    }

    /// <summary>The TYPE lines and sample shapes of the series whose names start with <paramref name="prefix"/>,
    /// sorted and distinct; label values and sample values are left out.</summary>
    internal static string[] Signatures(string text, string prefix) =>
        [.. text.Split('\n')
            .Select(line => TypeLine().Match(line) is { Success: true } type ? $"# TYPE {type.Groups[1].Value} {type.Groups[2].Value}"
                : Sample().Match(line) is { Success: true } sample ? $"{sample.Groups[1].Value}{{{string.Join(',', LabelNames(sample.Groups[2].Value))}}}"
                : null)
            .OfType<string>()
            .Where(s => s.StartsWith(prefix, StringComparison.Ordinal) || s.StartsWith("# TYPE " + prefix, StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal)];

    private static IEnumerable<string> LabelNames(string labels) =>
        LabelName().Matches(labels).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""(?:[^""\\]|\\.)*""")]
    private static partial Regex LabelName();
}
