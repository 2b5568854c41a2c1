using System.Diagnostics;
using System.Globalization;
using RenderQueue.Client;
using RenderQueue.Processes;

namespace RenderQueue.Cluster.Tests;

/// <summary>
/// A real redis-server (append-only file on, <c>noeviction</c>), two server processes on it — nodes A and B, started
/// together; whichever takes the leader lease first is <see cref="Leader"/> — sharing one artifact folder, and a real
/// nginx in front running <c>deploy/nginx/renderqueue.conf</c>. Everything listens on free loopback ports, lives in
/// temp folders, and is stopped when disposed. An admin key is created in the store before the nodes start (a
/// deployment behind a proxy must use keys), and every client the cluster makes sends it.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-cluster");
    private readonly List<IDisposable> _clients = [];

    private Cluster(RedisServerProcess redis) => Redis = redis;

    public RedisServerProcess Redis { get; }

    public ServerProcess A { get; private set; } = null!;

    public ServerProcess B { get; private set; } = null!;

    public NginxProcess Nginx { get; private set; } = null!;

    /// <summary>The admin key, made with the server's own <c>keys create</c> command.</summary>
    public string AdminKey { get; private set; } = "";

    /// <summary>The node that led once both were up.</summary>
    public ServerProcess Leader { get; private set; } = null!;

    /// <summary>The other node.</summary>
    public ServerProcess Follower { get; private set; } = null!;

    /// <summary>Starts the cluster; <paramref name="settings"/> adds <c>RENDERQUEUE__…</c> variables for both nodes.</summary>
    public static async Task<Cluster> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new Cluster(RedisServerProcess.Start(appendOnly: true));
        try
        {
            var environment = cluster.Environment(settings);
            var (exit, key, errors) = await ServerProcess.RunCommandAsync(cluster._folder.Path, environment, "keys", "create", "--role", "admin", "--name", "cluster-tests");
            if (exit != 0) throw new InvalidOperationException($"keys create failed ({exit}): {errors}");
            cluster.AdminKey = key.Trim();
            cluster.A = cluster.StartNode("a", environment);
            cluster.B = cluster.StartNode("b", environment);
            await Task.WhenAll(cluster.A.WaitUntilReadyAsync(), cluster.B.WaitUntilReadyAsync());
            await UntilAsync(async () => await cluster.LeaderAsync(cluster.A.Address) + await cluster.LeaderAsync(cluster.B.Address) == 1,
                "one node to lead", TimeSpan.FromSeconds(15));
            (cluster.Leader, cluster.Follower) = await cluster.LeaderAsync(cluster.A.Address) == 1 ? (cluster.A, cluster.B) : (cluster.B, cluster.A);
            var port = FreePort.Next();
            cluster.Nginx = NginxProcess.Start(NginxSite.For([cluster.A.Address, cluster.B.Address], port), port);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A typed client of one node, or of nginx, sending the admin key; disposed with the cluster.</summary>
    public RenderQueueClient Client(Uri address) => new(Http(address));

    /// <summary>An HttpClient of one node, or of nginx, sending the admin key; disposed with the cluster.</summary>
    public HttpClient Http(Uri address, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        lock (_clients) _clients.Add(http);
        return http;
    }

    /// <summary>The node's <c>/metrics</c> text.</summary>
    public async Task<string> MetricsAsync(Uri node)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        return await http.GetStringAsync("/metrics");
    }

    /// <summary><c>renderqueue_leader</c> of the node: 1 while it leads.</summary>
    public async Task<double?> LeaderAsync(Uri node) => PrometheusText.Value(await MetricsAsync(node), "renderqueue_leader");

    /// <summary>The status code of the node's <c>/health/ready</c>.</summary>
    public static async Task<int> ReadinessAsync(Uri node)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync("/health/ready");
        return (int)response.StatusCode;
    }

    /// <summary>Waits (bounded, in real time: these are other processes) until <paramref name="condition"/> holds.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, string what, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition()) return clock.Elapsed;
            }
            catch (HttpRequestException)
            {
                // not answering yet
            }
            if (clock.Elapsed > limit) throw new TimeoutException($"Gave up after {limit.TotalSeconds} s waiting for {what}.");
            await Task.Delay(25);
        }
    }

    private Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["RENDERQUEUE__Store__Kind"] = "redis",
            ["RENDERQUEUE__Store__Redis"] = Redis.Configuration,
            ["RENDERQUEUE__Store__RedisOptions__KeyPrefix"] = "rq",
            ["RENDERQUEUE__Store__RedisOptions__LeaderLease"] = "00:00:02",
            ["RENDERQUEUE__Artifacts__Folder"] = _folder.File("artifacts"), // shared, as it must be across nodes
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        return environment;
    }

    private ServerProcess StartNode(string name, Dictionary<string, string> environment)
    {
        var workingDirectory = _folder.File(name);
        Directory.CreateDirectory(workingDirectory);
        return ServerProcess.Start(workingDirectory, environment);
    }

    /// <summary>Everything the processes logged, for a failing test's message.</summary>
    public string Logs() => string.Create(CultureInfo.InvariantCulture,
        $"--- node A ---\n{A?.Log}\n--- node B ---\n{B?.Log}\n--- nginx ---\n{Nginx?.Log()}\n--- redis ---\n{Redis.Log()}");

    public async ValueTask DisposeAsync()
    {
        lock (_clients)
        {
            foreach (var client in _clients) client.Dispose();
        }
        Nginx?.Dispose();
        if (B is not null) await B.DisposeAsync();
        if (A is not null) await A.DisposeAsync();
        Redis.Dispose();
        _folder.Dispose();
    }
}
