using System.Diagnostics;
using System.Net;
using RenderQueue.Processes;

namespace RenderQueue.Server.Tests;

/// <summary>The built server as a real process: durability across kill -9, start-up checks, real sockets.</summary>
public sealed class ProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-process");

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, string> DataIn(string folder) => new()
    {
        ["RENDERQUEUE__Store__Sqlite__Path"] = Path.Combine(folder, "renderqueue.db"),
        ["RENDERQUEUE__Artifacts__Folder"] = Path.Combine(folder, "artifacts"),
    };

    [Fact]
    public async Task Every_job_whose_submit_returned_201_survives_kill_9()
    {
        const int count = 200;
        var ids = new List<string>();
        await using (var server = ServerProcess.Start(_folder.Path, DataIn(_folder.Path)))
        {
            await server.WaitUntilReadyAsync();
            using var http = new HttpClient { BaseAddress = server.Address };
            var submits = Enumerable.Range(0, count).Select(i => http.SubmitAsync($$$"""{"type": "simulated", "payload": {"n": {{{i}}}}}"""));
            ids.AddRange((await Task.WhenAll(submits)).Select(j => j.Id));
            await server.KillAsync(); // at once, after the last 201
        }

        await using (var restarted = ServerProcess.Start(_folder.Path, DataIn(_folder.Path)))
        {
            await restarted.WaitUntilReadyAsync();
            using var http = new HttpClient { BaseAddress = restarted.Address };
            foreach (var id in ids)
            {
                var response = await http.GetAsync($"/api/v1/jobs/{id}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"Job {id} was lost: {(int)response.StatusCode}");
            }
            var stats = await (await http.GetAsync("/api/v1/stats")).ReadAsync<Core.Api.StatsResponse>();
            Assert.Equal(count, stats.Counts.Queued);
        }
    }

    [Fact]
    public async Task Server_starts_from_any_working_directory_serves_the_dashboard_and_logs_where_its_data_lives()
    {
        await using var server = ServerProcess.Start(_folder.Path); // data relative to the working directory
        await server.WaitUntilReadyAsync();
        Assert.Contains("RenderQueue listening on " + server.Address.ToString().TrimEnd('/'), server.Log);
        Assert.Contains($"Store: sqlite at {Path.Combine(_folder.Path, "data", "renderqueue.db")}", server.Log);
        Assert.True(File.Exists(Path.Combine(_folder.Path, "data", "renderqueue.db")));

        // The dashboard comes from wwwroot beside the binary, in Production, whatever the working directory.
        using var http = new HttpClient { BaseAddress = server.Address };
        var dashboard = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("js/app.js", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RENDERQUEUE__Store__Kind", "mongodb", "Store:Kind is 'mongodb'")]
    [InlineData("RENDERQUEUE__Store__Sqlite__MaxBatch", "0", "Store:Sqlite:MaxBatch must be between 1 and 100000; it is 0")]
    [InlineData("RENDERQUEUE__Store__Redsi", "localhost:6379", "Store:Redsi is not a key of the Store section")]
    [InlineData("RENDERQUEUE__Leases__Duration", "00:00:00", "Leases:Duration must be between")]
    [InlineData("RENDERQUEUE__Limits__MaxBatchSize", "0", "Limits:MaxBatchSize must be between 1 and 100000; it is 0")]
    [InlineData("RENDERQUEUE__Leases__Duraton", "00:00:10", "Duraton")]
    public async Task Bad_configuration_stops_the_server_at_start_naming_the_key(string variable, string value, string message)
    {
        var environment = DataIn(_folder.Path);
        environment[variable] = value;
        await using var server = ServerProcess.Start(_folder.Path, environment);
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, exit);
        Assert.Contains(message, server.Log);
    }

    /// <summary>Redis settings are checked before any connection is made, so these need no redis-server.</summary>
    [Theory]
    [InlineData("RENDERQUEUE__Store__RedisOptions__KeyPrefix", "rq{1}", "Store:RedisOptions:KeyPrefix must be non-empty, without braces or spaces; it is 'rq{1}'")]
    [InlineData("RENDERQUEUE__Store__RedisOptions__LeaderLease", "00:00:00", "Store:RedisOptions:LeaderLease must be between 00:00:01 and 00:10:00; it is 00:00:00")]
    [InlineData("RENDERQUEUE__Store__RedisOptions__LeaderLeas", "00:00:05", "LeaderLeas")]
    [InlineData("RENDERQUEUE__Store__RedisOptions__Configuration", "localhost:6379", "the Redis server goes in Store:Redis")]
    [InlineData("RENDERQUEUE__Store__Redis", "localhost:6379,frobnicate=1", "Store:Redis is not a StackExchange.Redis configuration string")]
    public async Task Bad_redis_settings_stop_the_server_at_start_naming_the_key(string variable, string value, string message)
    {
        var environment = DataIn(_folder.Path);
        environment["RENDERQUEUE__Store__Kind"] = "redis";
        environment[variable] = value;
        await using var server = ServerProcess.Start(_folder.Path, environment);
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, exit);
        Assert.Contains(message, server.Log);
    }

    [Fact]
    public async Task Long_poll_over_real_sockets_returns_the_job_soon_after_submit()
    {
        await using var server = ServerProcess.Start(_folder.Path, DataIn(_folder.Path));
        await server.WaitUntilReadyAsync();
        using var worker = new HttpClient { BaseAddress = server.Address };
        using var submitter = new HttpClient { BaseAddress = server.Address };
        await worker.RegisterWorkerAsync("gpu-1");
        await submitter.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        await worker.LeaseAsync("gpu-1"); // warm both connections up
        var latencies = new List<double>();

        for (var round = 0; round < 10; round++)
        {
            var parked = worker.LeaseAsync("gpu-1", wait: 10);
            await Task.Delay(100); // real sockets: give the request time to park (nothing to advance here)
            var clock = Stopwatch.StartNew();
            var job = await submitter.SubmitAsync("""{"type": "simulated", "payload": {}}""");
            var leased = await parked.WaitAsync(TimeSpan.FromSeconds(10));
            clock.Stop();
            Assert.Equal(job.Id, leased.Single().Id);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        var sorted = latencies.Order().ToList();
        output.WriteLine($"Kestrel long-poll pickup (submit sent → lease answered), ms: median {sorted[sorted.Count / 2]:0.0}, max {sorted[^1]:0.0}");
        Assert.True(sorted[^1] < 10_000);
    }

    [Fact]
    public async Task Events_stream_over_a_real_websocket_with_the_default_client()
    {
        await using var server = ServerProcess.Start(_folder.Path, DataIn(_folder.Path));
        await server.WaitUntilReadyAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        var client = new Client.RenderQueueClient(http);
        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "live"}""");

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var seen = new List<string>();
        await foreach (var e in client.StreamEventsAsync(new Client.EventStreamQuery { Queue = "live", After = 0 }, stop.Token))
        {
            seen.Add(e.JobId);
            if (seen.Count == 1) await http.SubmitAsync("""{"type": "simulated", "payload": {}, "queue": "live"}""");
            if (seen.Count == 2) break;
        }
        Assert.Equal(job.Id, seen[0]);
        Assert.NotEqual(job.Id, seen[1]);
    }

    [Fact]
    public async Task Sigterm_answers_parked_leases_closes_sockets_and_exits_cleanly()
    {
        await using var server = ServerProcess.Start(_folder.Path, DataIn(_folder.Path));
        await server.WaitUntilReadyAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        await http.RegisterWorkerAsync("gpu-1");
        var parked = http.LeaseAsync("gpu-1", wait: 30);
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{server.Address.Authority}/api/v1/events"), CancellationToken.None);
        await Task.Delay(200); // real process: let the lease request park (there is no clock to advance here)

        var clock = Stopwatch.StartNew();
        server.Terminate();
        Assert.Empty(await parked.WaitAsync(TimeSpan.FromSeconds(10)));
        var buffer = new byte[1024];
        var close = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
        await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        output.WriteLine($"Stopped in {clock.ElapsedMilliseconds} ms with a parked lease and an open socket.");
    }

    [Fact]
    public async Task Oversized_bodies_are_413_problems_on_kestrel_declared_or_chunked()
    {
        var environment = DataIn(_folder.Path);
        environment["RENDERQUEUE__Limits__MaxJsonBodyBytes"] = "2048";
        environment["RENDERQUEUE__Limits__MaxArtifactBytes"] = "4096";
        await using var server = ServerProcess.Start(_folder.Path, environment);
        await server.WaitUntilReadyAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        var big = "{\"type\": \"simulated\", \"payload\": {\"p\": \"" + new string('x', 5000) + "\"}}";

        await (await http.PostJsonAsync("/api/v1/jobs", big)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "2048 bytes");
        await (await http.SendAsync(Chunked(HttpMethod.Post, "/api/v1/jobs", System.Text.Encoding.UTF8.GetBytes(big), "application/json")))
            .AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "2048 bytes");

        await http.RegisterWorkerAsync("gpu-1");
        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        await http.LeaseAsync("gpu-1");
        await (await http.SendAsync(Chunked(HttpMethod.Put, $"/api/v1/leases/{job.Id}/artifacts/big.bin?attempt=1", new byte[10_000], "application/octet-stream")))
            .AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "4096 bytes");
        var small = await (await http.SendAsync(Chunked(HttpMethod.Put, $"/api/v1/leases/{job.Id}/artifacts/small.png?attempt=1", new byte[3_000], "application/octet-stream")))
            .ReadAsync<Core.Jobs.ArtifactInfo>();
        Assert.Equal(3_000, small.Size);
        Assert.Equal("image/png", small.ContentType);
        Assert.Equal(["small.png"], Directory.EnumerateFiles(Path.Combine(_folder.Path, "artifacts", job.Id)).Select(Path.GetFileName));
    }

    private static HttpRequestMessage Chunked(HttpMethod method, string path, byte[] body, string contentType)
    {
        var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        return request;
    }
}
