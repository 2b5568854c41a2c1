using System.Globalization;

namespace RenderQueue.Bench;

internal enum StoreKind
{
    Sqlite,
    Redis,
}

/// <summary>The command line: a scenario, the store, sizes (jobs, rates or checkpoints) and a few knobs.</summary>
internal sealed record BenchOptions
{
    public static readonly string[] Scenarios = ["throughput", "pickup", "scale", "fleet", "models", "fairness", "compare"];

    public const string Usage =
        """
        usage: RenderQueue.Bench <scenario> [--store sqlite|redis] [sizes…] [options]

        scenarios (sizes accept k/m suffixes: 100k, 1m):
          throughput [jobs…]        N no-op jobs batch-submitted and processed by K workers (lease → complete); default 100k
          pickup [rates…]           steady submits at R jobs/s to parked workers; submit → lease latency; default 500
          scale [checkpoints…]      fill the store to each size; submit rate, lease p99, stats and list latency, RSS, size;
                                    default 1k 100k 1m 10m
          fleet [jobs]              32 GPU workers, log-normal durations: makespan against the ideal bound, and a
                                    round-robin push of the same jobs; default 2000
          models [jobs]             16 GPU workers, jobs over 4 checkpoints, swaps of 8 s: FIFO against warm-model affinity,
                                    same jobs; makespan, swaps, waits; default 2000
          fairness [jobs]           queue A holds N ready jobs, queue B gets 1 job/s: B's wait; then weights 3:1 and the
                                    lease shares; default 50k
          compare [jobs]            BullMQ and RenderQueue on Redis and SQLite (batch calls, and one request per job) in
                                    one run on one redis-server: jobs/s, ratios, CPU per job of each process; default 50k

        options:
          --store sqlite|redis      the server's store (default sqlite); redis starts its own redis-server (AOF everysec)
          --workers K               simulated workers (throughput 16, pickup 8, fleet 32, models 16, fairness 8)
          --lease-batch B           jobs per lease call in throughput (default 32)
          --complete batch|each     throughput: one POST /leases/complete per leased batch (default), or one request per job
          --duration S              seconds of measured submits per pickup rate (default 20); fairness: per phase (default 30)
          --runs N                  pickup: runs per rate, each on a fresh server (default 5)
          --samples N               lease / stats / list requests per scale checkpoint (default 1000 / 200 / 200)
          --ideal-seconds S         fleet: time-scale the jobs so the ideal bound is S seconds (default 20); models: so the
                                    work alone, spread over the workers, is S seconds (default 60)
          --time-scale F            fairness: real seconds per modelled second (default 0.1: 2 s jobs take 0.2 s)
          --min-free-gib G          scale: stop filling when the machine has less memory available (default 4)
          --seed N                  random seed for fleet and models durations and order (default 42)
          --peer bullmq|none        compare: run the BullMQ peer (default; needs node and npm) or RenderQueue alone
          --out DIR                 where the JSON result goes (default bench/results of the repository)
        """;

    public required string Scenario { get; init; }
    public StoreKind Store { get; init; } = StoreKind.Sqlite;
    public IReadOnlyList<long> Sizes { get; init; } = [];
    public int? Workers { get; init; }
    public int? LeaseBatch { get; init; }
    public bool CompleteEach { get; init; }
    public TimeSpan? Duration { get; init; }
    public int? Samples { get; init; }
    public double? IdealSeconds { get; init; }
    public double? TimeScale { get; init; }
    public double MinFreeGib { get; init; } = 4;
    public int Seed { get; init; } = 42;
    public string? OutputFolder { get; init; }
    public bool Peer { get; init; } = true;
    public int? Runs { get; init; }

    /// <summary>The store in the report's name; compare runs both.</summary>
    public string StoreName => Scenario == "compare" ? "both" : Store == StoreKind.Redis ? "redis" : "sqlite";

    /// <summary>Parses the arguments; a message in <see cref="BenchUsageException"/> says what is wrong.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || !Scenarios.Contains(args[0], StringComparer.Ordinal))
            throw new BenchUsageException(args.Count == 0 ? "Name a scenario." : $"Unknown scenario '{args[0]}'.");
        var options = new BenchOptions { Scenario = args[0] };
        var sizes = new List<long>();
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                sizes.Add(ParseSize(arg));
                continue;
            }
            if (i + 1 >= args.Count) throw new BenchUsageException($"{arg} needs a value.");
            var value = args[++i];
            options = arg switch
            {
                "--store" => options with { Store = value switch
                {
                    "sqlite" => StoreKind.Sqlite,
                    "redis" => StoreKind.Redis,
                    _ => throw new BenchUsageException($"--store is sqlite or redis, not '{value}'."),
                } },
                "--workers" => options with { Workers = (int)Positive(arg, value) },
                "--lease-batch" => options with { LeaseBatch = (int)Math.Min(100, Positive(arg, value)) },
                "--complete" => options with { CompleteEach = value switch
                {
                    "batch" => false,
                    "each" => true,
                    _ => throw new BenchUsageException($"--complete is batch or each, not '{value}'."),
                } },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(PositiveNumber(arg, value)) },
                "--samples" => options with { Samples = (int)Positive(arg, value) },
                "--runs" => options with { Runs = (int)Positive(arg, value) },
                "--ideal-seconds" => options with { IdealSeconds = PositiveNumber(arg, value) },
                "--time-scale" => options with { TimeScale = PositiveNumber(arg, value) },
                "--min-free-gib" => options with { MinFreeGib = PositiveNumber(arg, value) },
                "--seed" => options with { Seed = (int)Positive(arg, value) },
                "--out" => options with { OutputFolder = value },
                "--peer" => options with { Peer = value switch
                {
                    "bullmq" => true,
                    "none" => false,
                    _ => throw new BenchUsageException($"--peer is bullmq or none, not '{value}'."),
                } },
                _ => throw new BenchUsageException($"Unknown option {arg}."),
            };
        }
        return options with { Sizes = sizes };
    }

    /// <summary>The sizes given, or the scenario's defaults.</summary>
    public IReadOnlyList<long> SizesOr(params long[] defaults) => Sizes.Count > 0 ? Sizes : defaults;

    private static long ParseSize(string text)
    {
        var multiplier = char.ToLowerInvariant(text[^1]) switch
        {
            'k' => 1_000L,
            'm' => 1_000_000L,
            _ => 1L,
        };
        var digits = multiplier == 1 ? text : text[..^1];
        if (!long.TryParse(digits.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            throw new BenchUsageException($"'{text}' is not a size (a positive number, optionally with k or m).");
        return n * multiplier;
    }

    private static long Positive(string name, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new BenchUsageException($"{name} needs a positive whole number, not '{value}'.");

    private static double PositiveNumber(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && double.IsFinite(n)
            ? n
            : throw new BenchUsageException($"{name} needs a positive number, not '{value}'.");
}

/// <summary>A command line the bench cannot run; the message says why.</summary>
internal sealed class BenchUsageException(string message) : Exception(message);
