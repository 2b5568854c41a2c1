using System.Globalization;
using RenderQueue.Processes;

namespace RenderQueue.Bench.Harness;

/// <summary>
/// The server under test: the built Release <c>RenderQueue.Server.dll</c> as a separate process on loopback, with its
/// data in a temp folder; on Redis, with a redis-server of its own (AOF on, <c>appendfsync everysec</c>,
/// <c>noeviction</c>). Disposing stops both and deletes the folder.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly TempDirectory _folder;
    private readonly ServerProcess _server;
    private readonly RedisServerProcess? _redis;
    private readonly bool _ownsRedis;

    private BenchServer(TempDirectory folder, ServerProcess server, RedisServerProcess? redis, bool ownsRedis)
    {
        _folder = folder;
        _server = server;
        _redis = redis;
        _ownsRedis = ownsRedis;
    }

    public Uri Address => _server.Address;

    public StoreKind Store => _redis is null ? StoreKind.Sqlite : StoreKind.Redis;

    public int ProcessId => _server.Id;

    /// <summary>The redis-server's port on Redis; null on SQLite.</summary>
    public int? RedisPort => _redis?.Port;

    public string DataFolder => _folder.Path;

    /// <summary>Starts the store and the server and waits until the server is ready.</summary>
    /// <param name="store">SQLite in the temp folder, or a redis-server of its own.</param>
    /// <param name="redisSettings">More redis-server settings, e.g. a <c>--maxmemory</c> for the scale run.</param>
    /// <param name="sharedRedis">On Redis, a redis-server that outlives this server (the compare run shares one with its peer).</param>
    /// <param name="settings">Server settings a scenario varies, by configuration key (<c>Scheduler:AffinityWait</c>).</param>
    public static async Task<BenchServer> StartAsync(
        StoreKind store, IEnumerable<string>? redisSettings = null, RedisServerProcess? sharedRedis = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var folder = new TempDirectory("renderqueue-bench");
        RedisServerProcess? redis = null;
        var ownsRedis = sharedRedis is null;
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["RENDERQUEUE__Store__Kind"] = store == StoreKind.Redis ? "redis" : "sqlite",
                ["RENDERQUEUE__Store__Sqlite__Path"] = folder.File("renderqueue.db"),
                ["RENDERQUEUE__Artifacts__Folder"] = folder.File("artifacts"),
            };
            if (store == StoreKind.Redis)
            {
                redis = sharedRedis ?? RedisServerProcess.Start(appendOnly: true, maxMemoryPolicy: "noeviction", settings: redisSettings);
                environment["RENDERQUEUE__Store__Redis"] = redis.Configuration;
            }
            foreach (var (key, value) in ServerSettings.ForBenchmarks) environment[key] = value;
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
                environment["RENDERQUEUE__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
            var server = ServerProcess.Start(folder.Path, environment);
            try
            {
                await server.WaitUntilReadyAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
            return new BenchServer(folder, server, redis, ownsRedis);
        }
        catch
        {
            if (ownsRedis) redis?.Dispose();
            folder.Dispose();
            throw;
        }
    }

    public long RssBytes => Machine.RssBytes(_server.Id);

    public long PeakRssBytes => Machine.PeakRssBytes(_server.Id);

    /// <summary>CPU time of the server and, on Redis, of redis-server.</summary>
    public (TimeSpan Server, TimeSpan Redis) CpuTime =>
        (Machine.CpuTime(_server.Id), _redis is null ? TimeSpan.Zero : Machine.CpuTime(_redis.ProcessId));

    /// <summary>SQLite: the database file with its WAL. Redis: the append-only files.</summary>
    public long StoreBytesOnDisk => _redis is null
        ? FileSize(_folder.File("renderqueue.db")) + FileSize(_folder.File("renderqueue.db-wal")) + FileSize(_folder.File("renderqueue.db-shm"))
        : FolderSize(_redis.DataFolder);

    /// <summary>Redis <c>used_memory</c>; null on SQLite.</summary>
    public async Task<long?> RedisUsedMemoryAsync(CancellationToken ct) =>
        _redis is null ? null : await RedisCommands.InfoNumberAsync(_redis.Port, "memory", "used_memory", ct);

    /// <summary>Zeroes redis-server's per-command statistics (<c>CONFIG RESETSTAT</c>); nothing on SQLite.</summary>
    public async Task ResetRedisStatsAsync(CancellationToken ct)
    {
        if (_redis is not null) await RedisCommands.SendAsync(_redis.Port, ct, "CONFIG", "RESETSTAT");
    }

    /// <summary>redis-server's <c>INFO commandstats</c> since the last reset: calls and CPU per command; empty on SQLite.</summary>
    public async Task<IReadOnlyList<RedisCommandStat>> RedisCommandStatsAsync(CancellationToken ct) =>
        _redis is null ? [] : RedisCommandStat.Parse(await RedisCommands.SendAsync(_redis.Port, ct, "INFO", "commandstats"));

    /// <summary>Rewrites the AOF (Redis forks; call when nothing writes) and waits for it; the compacted size, or null on SQLite.</summary>
    public async Task<long?> RewriteAofAsync(TimeSpan limit, CancellationToken ct)
    {
        if (_redis is null) return null;
        await RedisCommands.SendAsync(_redis.Port, ct, "BGREWRITEAOF");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(200, ct);
        while (watch.Elapsed < limit)
        {
            var running = await RedisCommands.InfoAsync(_redis.Port, "persistence", "aof_rewrite_in_progress", ct);
            var scheduled = await RedisCommands.InfoAsync(_redis.Port, "persistence", "aof_rewrite_scheduled", ct);
            if (running == "0" && scheduled == "0") return FolderSize(_redis.DataFolder);
            await Task.Delay(500, ct);
        }
        return null;
    }

    public string Log => _server.Log;

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        if (_ownsRedis) _redis?.Dispose();
        _folder.Dispose();
    }

    private static long FileSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static long FolderSize(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(FileSize) : 0;

    public static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture);
}
