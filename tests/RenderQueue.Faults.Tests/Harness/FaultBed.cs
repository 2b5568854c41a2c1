using System.Globalization;
using System.Text;
using RenderQueue.Client;
using RenderQueue.Core.Jobs;
using RenderQueue.Faults.Tests.Checking;
using RenderQueue.Processes;

namespace RenderQueue.Faults.Tests.Harness;

/// <summary>
/// One server process on <see cref="StoreKind"/> (SQLite in a temp folder, or a real redis-server with its
/// append-only file on), with short leases (<see cref="Lease"/>, reaper every <see cref="ReaperInterval"/>), and the
/// real worker processes a case starts, all writing one execution ledger. Everything is on loopback, in temp folders,
/// and stopped when disposed.
/// </summary>
internal sealed class FaultBed : IAsyncDisposable
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(2);

    private readonly TempDirectory _folder = new("renderqueue-faults");
    private readonly List<WorkerProcess> _workers = [];
    private readonly List<HttpClient> _http = [];
    private readonly Dictionary<string, string> _environment;
    private readonly StringBuilder _pastServerLogs = new();

    private FaultBed(StoreKind store, TimeSpan lease, RedisServerProcess? redis, IReadOnlyDictionary<string, string>? settings)
    {
        Store = store;
        Lease = lease;
        Redis = redis;
        Directory.CreateDirectory(_folder.File("server"));
        _environment = new Dictionary<string, string>
        {
            ["RENDERQUEUE__Leases__Duration"] = lease.ToString("c", CultureInfo.InvariantCulture),
            ["RENDERQUEUE__Leases__ReaperInterval"] = ReaperInterval.ToString("c", CultureInfo.InvariantCulture),
            ["RENDERQUEUE__Artifacts__Folder"] = _folder.File("artifacts"),
            // Every client, worker and socket of a bed is one keyless caller from 127.0.0.1; the faults under test
            // are crashes, not the per-caller rate limit (F11 opens a thousand sockets in seconds).
            ["RENDERQUEUE__RateLimits__RequestsPerSecond"] = "1000000",
            ["RENDERQUEUE__RateLimits__Burst"] = "1000000",
            ["RENDERQUEUE__RateLimits__WorkerRequestsPerSecond"] = "1000000",
            ["RENDERQUEUE__RateLimits__WorkerBurst"] = "1000000",
        };
        if (redis is not null)
        {
            _environment["RENDERQUEUE__Store__Kind"] = "redis";
            _environment["RENDERQUEUE__Store__Redis"] = redis.Configuration;
            // A restarted server must take the leader role (the reaper) back quickly from its dead self.
            _environment["RENDERQUEUE__Store__RedisOptions__LeaderLease"] = "00:00:01";
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) _environment[key] = value;
    }

    public StoreKind Store { get; }

    public TimeSpan Lease { get; }

    public TimeSpan ReaperInterval { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long after a worker dies its job must be leased again: lease + reaper interval + 1 s (issue 9, F1).</summary>
    public TimeSpan ReofferBound => Lease + ReaperInterval + TimeSpan.FromSeconds(1);

    public RedisServerProcess? Redis { get; }

    public ServerProcess Server { get; private set; } = null!;

    public Uri Address => Server.Address;

    public RenderQueueClient Client { get; private set; } = null!;

    public string LedgerFolder => _folder.File("ledger");

    public string Folder => _folder.Path;

    public IReadOnlyList<WorkerProcess> Workers
    {
        get { lock (_workers) return [.. _workers]; }
    }

    /// <summary>Starts the bed's store and server; <paramref name="settings"/> adds <c>RENDERQUEUE__…</c> variables.</summary>
    public static async Task<FaultBed> StartAsync(StoreKind store, TimeSpan? lease = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var redis = store == StoreKind.Redis ? RedisServerProcess.Start(appendOnly: true, settings: ["--appendfsync", "always"]) : null;
        var bed = new FaultBed(store, lease ?? DefaultLease, redis, settings);
        try
        {
            bed.Server = ServerProcess.Start(bed._folder.File("server"), bed._environment);
            await bed.Server.WaitUntilReadyAsync();
            bed.Client = bed.NewClient(bed.Address);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of <paramref name="address"/> (the server, or a proxy in front of it), disposed with the bed.</summary>
    public RenderQueueClient NewClient(Uri address, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        lock (_http) _http.Add(http);
        return new RenderQueueClient(http);
    }

    /// <summary>
    /// Starts a worker process that runs <c>simulated</c> jobs into the ledger, talking to <paramref name="server"/>
    /// (default: the server itself); <paramref name="settings"/> are more <c>--Section:Key=value</c> arguments.
    /// </summary>
    public WorkerProcess StartWorker(string id, Uri? server = null, int concurrency = 1, params string[] settings)
    {
        string[] args =
        [
            "--server", (server ?? Address).ToString(), "--types", "simulated", "--id", id,
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
            $"--Worker:Simulated:LedgerFolder={LedgerFolder}", "--Worker:Gpus:Enabled=false",
            "--Worker:ProgressInterval=00:00:00.100", "--Worker:RetryDelay=00:00:00.100", "--Worker:MaxRetryDelay=00:00:01",
            "--Worker:CallTimeout=00:00:05", "--Worker:LeaseWait=00:00:10", "--Worker:DrainGrace=00:00:02",
            .. settings,
        ];
        var worker = WorkerProcess.Start(args, new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning", ["Logging__LogLevel__RenderQueue"] = "Information" });
        lock (_workers) _workers.Add(worker);
        return worker;
    }

    /// <summary>Waits until every worker named has registered with the server.</summary>
    public Task WaitForWorkersAsync(params string[] ids) => Poll.UntilAsync(async () =>
    {
        var online = (await Client.ListWorkersAsync()).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        return ids.All(online.Contains);
    }, $"workers {string.Join(", ", ids)} to register", TimeSpan.FromSeconds(60), Logs);

    /// <summary>kill -9 of the server process.</summary>
    public async Task KillServerAsync()
    {
        await Server.KillAsync();
        _pastServerLogs.Append(Server.Log);
        await Server.DisposeAsync();
    }

    /// <summary>Starts the server again on the same address, data folder and store, and waits until it is ready.</summary>
    public async Task RestartServerAsync()
    {
        Server = ServerProcess.Start(_folder.File("server"), _environment, Server.Address);
        await Server.WaitUntilReadyAsync();
    }

    public IReadOnlyList<Execution> Ledger() => LedgerFile.Read(LedgerFolder);

    /// <summary>Every job on the server, by id.</summary>
    public async Task<Dictionary<string, Job>> JobsAsync()
    {
        var jobs = new Dictionary<string, Job>(StringComparer.Ordinal);
        await foreach (var job in Client.ListAllJobsAsync()) jobs[job.Id] = job;
        return jobs;
    }

    /// <summary>Waits until no job is queued, scheduled or running.</summary>
    public Task UntilIdleAsync(TimeSpan limit) => Poll.UntilAsync(async () =>
    {
        var stats = await Client.GetStatsAsync();
        return stats.Counts.Queued + stats.Counts.Scheduled + stats.Counts.Running == 0;
    }, "every job to finish", limit, Logs);

    /// <summary>Everything the processes logged (the tail of each), for a failing assertion's message.</summary>
    public string Logs()
    {
        var text = new StringBuilder();
        text.Append("--- server ---\n").Append(Tail(_pastServerLogs + Server?.Log));
        foreach (var (worker, i) in Workers.Select((w, i) => (w, i))) text.Append(CultureInfo.InvariantCulture, $"--- worker {i} (pid {worker.Id}) ---\n").Append(Tail(worker.Log));
        if (Redis is not null) text.Append("--- redis ---\n").Append(Tail(Redis.Log()));
        return text.ToString();
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : "…" + log[^4000..];

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in Workers) await worker.DisposeAsync();
        lock (_http)
        {
            foreach (var http in _http) http.Dispose();
        }
        if (Server is not null) await Server.DisposeAsync();
        Redis?.Dispose();
        _folder.Dispose();
    }
}
