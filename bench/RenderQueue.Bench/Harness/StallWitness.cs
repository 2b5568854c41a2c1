using System.Diagnostics;
using System.Globalization;

namespace RenderQueue.Bench.Harness;

/// <summary>
/// Watches what could stall a request while a run goes on, so every slow pickup can be given a cause: the bench
/// process itself (a timer that fires late, its own GC pauses), the server (its GC pause time, thread-pool queue and
/// threads, SQLite checkpoints, read from its <c>/metrics</c> four times a second) and redis-server (its
/// <c>LATENCY</c> monitor, on at 10 ms: AOF writes and fsyncs, forks, slow commands). <see cref="Explain"/> names what
/// happened while one request was in flight.
/// </summary>
internal sealed class StallWitness : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ScrapeInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Parts of the server's series names that the explanations read.</summary>
    private static readonly string[] Watched =
        ["gc_pause", "thread_pool_queue_length", "thread_pool_thread_count", "checkpoint_duration_count", "checkpoint_duration_sum"];

    private readonly BenchApi _api;
    private readonly int? _redisPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(long At, double LateMs, double GcMs)> _benchTicks = [];
    private readonly List<(long At, double[] Values)> _serverSamples = [];
    private readonly List<(DateTimeOffset At, string Event, long Ms)> _redisEvents = [];
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private readonly DateTimeOffset _startTime = DateTimeOffset.UtcNow;
    private Task _ticking = Task.CompletedTask;
    private Task _scraping = Task.CompletedTask;

    private StallWitness(BenchApi api, int? redisPort)
    {
        _api = api;
        _redisPort = redisPort;
    }

    /// <summary>Starts watching: call it when the measured part of the run begins, so the warm-up is not disturbed.</summary>
    public void Begin()
    {
        _ticking = Task.Run(TickAsync);
        _scraping = Task.Run(ScrapeAsync);
    }

    /// <summary>Turns redis-server's latency monitor on; the watching itself starts with <see cref="Begin"/>.</summary>
    public static async Task<StallWitness> PrepareAsync(BenchApi api, int? redisPort, CancellationToken ct)
    {
        if (redisPort is { } port)
        {
            await RedisCommands.SendAsync(port, ct, "CONFIG", "SET", "latency-monitor-threshold", "10");
            await RedisCommands.SendAsync(port, ct, "LATENCY", "RESET");
        }
        return new StallWitness(api, redisPort);
    }

    /// <summary>Stops watching and reads redis-server's latency history.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_ticking, _scraping);
        if (_redisPort is not { } port) return;
        if (await RedisCommands.SendForReplyAsync(port, ct, "LATENCY", "LATEST") is not List<object?> latest) return;
        foreach (var entry in latest.OfType<List<object?>>())
        {
            var name = (string)entry[0]!;
            if (await RedisCommands.SendForReplyAsync(port, ct, "LATENCY", "HISTORY", name) is not List<object?> history) continue;
            foreach (var point in history.OfType<List<object?>>())
                _redisEvents.Add((DateTimeOffset.FromUnixTimeSeconds((long)point[0]!), name, (long)point[1]!));
        }
    }

    /// <summary>
    /// What happened between a request's start and end (Stopwatch timestamps): one cause per kind (bench GC, bench
    /// late, server GC, server thread pool, SQLite checkpoint, one per Redis latency event), each with its size; empty
    /// when nothing did.
    /// </summary>
    public IReadOnlyList<(string Kind, string Detail)> Explain(long started, long ended)
    {
        var causes = new List<(string, string)>();
        lock (_benchTicks)
        {
            var late = _benchTicks.Where(t => t.At >= started && t.At <= ended + Stopwatch.Frequency / 10).ToList();
            var gc = late.Sum(t => t.GcMs);
            var worst = late.Count == 0 ? 0 : late.Max(t => t.LateMs);
            if (gc >= 5) causes.Add(("bench GC", $"paused {gc:0} ms"));
            else if (worst >= 30) causes.Add(("bench late", $"its timer fired {worst:0} ms late (CPU or thread pool)"));
        }
        lock (_serverSamples)
        {
            var before = _serverSamples.LastOrDefault(s => s.At <= started);
            var after = _serverSamples.FirstOrDefault(s => s.At >= ended);
            if (before.Values is not null && after.Values is not null)
            {
                var during = _serverSamples.Where(s => s.At >= before.At && s.At <= after.At).ToList();
                var gcMs = (Value(after, "gc_pause") - Value(before, "gc_pause")) * 1000;
                if (gcMs >= 5) causes.Add(("server GC", $"paused {gcMs:0} ms"));
                var queue = during.Max(s => Value(s, "thread_pool_queue_length"));
                var threads = Value(after, "thread_pool_thread_count") - Value(before, "thread_pool_thread_count");
                if (queue >= 8 || threads >= 1) causes.Add(("server thread pool", $"queue reached {queue:0}, {threads:+0;-0;0} threads"));
                var checkpoints = Value(after, "checkpoint_duration_count") - Value(before, "checkpoint_duration_count");
                var took = (Value(after, "checkpoint_duration_sum") - Value(before, "checkpoint_duration_sum")) * 1000;
                if (checkpoints >= 1 && took >= 5) causes.Add(("SQLite checkpoint", $"{checkpoints:0} checkpoint(s) took {took:0} ms"));
            }
        }
        var from = TimeOf(started).AddSeconds(-1);
        var to = TimeOf(ended).AddSeconds(1);
        foreach (var events in _redisEvents.Where(e => e.At >= from && e.At <= to).GroupBy(e => e.Event))
            causes.Add(("redis " + events.Key, $"{events.Count()} event(s), up to {events.Max(e => e.Ms)} ms"));
        return causes;
    }

    /// <summary>The causes as one line.</summary>
    public static string Describe(IReadOnlyList<(string Kind, string Detail)> causes) =>
        causes.Count == 0 ? "unattributed" : string.Join("; ", causes.Select(c => $"{c.Kind} {c.Detail}"));

    private DateTimeOffset TimeOf(long timestamp) => _startTime + Stopwatch.GetElapsedTime(_startTimestamp, timestamp);

    private static double Value((long At, double[] Values) sample, string part) => sample.Values[Array.IndexOf(Watched, part)];

    private async Task TickAsync()
    {
        var last = Stopwatch.GetTimestamp();
        var gcBefore = GC.GetTotalPauseDuration();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Tick, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var now = Stopwatch.GetTimestamp();
            var gc = GC.GetTotalPauseDuration();
            var late = Stopwatch.GetElapsedTime(last, now) - Tick;
            lock (_benchTicks) _benchTicks.Add((now, late.TotalMilliseconds, (gc - gcBefore).TotalMilliseconds));
            last = now;
            gcBefore = gc;
        }
    }

    private async Task ScrapeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var text = System.Text.Encoding.UTF8.GetString(await _api.GetBytesAsync("metrics", _stop.Token));
                var sample = (Stopwatch.GetTimestamp(), Parse(text));
                lock (_serverSamples) _serverSamples.Add(sample);
                await Task.Delay(ScrapeInterval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or BenchHttpException)
            {
                // A scrape that failed is a missing sample; the run goes on.
            }
        }
    }

    /// <summary>
    /// The watched series of one scrape, each the first series whose name contains its part, summed over its label
    /// sets; only these are kept, so a long run's samples stay small and a lookup is an index.
    /// </summary>
    private static double[] Parse(string text)
    {
        var values = new double[Watched.Length];
        var names = new string?[Watched.Length];
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var nameEnd = line.IndexOfAny(['{', ' ']);
            var valueStart = line.LastIndexOf(' ');
            if (nameEnd <= 0 || valueStart <= 0) continue;
            var name = line.AsSpan(0, nameEnd);
            for (var i = 0; i < Watched.Length; i++)
            {
                if (!name.Contains(Watched[i], StringComparison.Ordinal) || (names[i] is { } first && !name.SequenceEqual(first))) continue;
                if (!double.TryParse(line.AsSpan(valueStart + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
                names[i] ??= name.ToString();
                values[i] += value;
            }
        }
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await Task.WhenAll(_ticking, _scraping);
        _stop.Dispose();
    }
}
