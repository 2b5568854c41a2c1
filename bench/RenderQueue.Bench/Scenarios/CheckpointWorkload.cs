namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// The jobs of the <c>models</c> scenario: N renders spread evenly over four checkpoints in a seeded random order,
/// log-normal render times (median 5 s, σ 0.8) and a model swap of 8 s whenever a GPU runs a checkpoint other than
/// the one it has loaded (it starts with none), time-scaled so the work alone, spread evenly, takes a chosen number of
/// seconds.
/// </summary>
internal sealed class CheckpointWorkload
{
    public const double MedianSeconds = 5;
    public const double Sigma = 0.8;
    public const double SwapSeconds = 8;
    public const int Checkpoints = 4;

    public CheckpointWorkload(int jobs, int workers, int seed, double workSeconds)
    {
        var random = new Random(seed);
        var model = new double[jobs];
        for (var i = 0; i < jobs; i++) model[i] = LogNormal.Sample(random, MedianSeconds, Sigma);
        Checkpoint = [.. Enumerable.Range(0, jobs).Select(i => i % Checkpoints)];
        random.Shuffle(Checkpoint);
        Scale = workSeconds / (model.Sum() / workers);
        Seconds = [.. model.Select(d => d * Scale)];
        SwapCost = SwapSeconds * Scale;
        Workers = workers;
    }

    /// <summary>Scaled render times in seconds, by job number.</summary>
    public double[] Seconds { get; }

    /// <summary>The checkpoint each job's workflow loads (0…3), by job number.</summary>
    public int[] Checkpoint { get; }

    /// <summary>Real seconds per model second.</summary>
    public double Scale { get; }

    /// <summary>A swap, scaled.</summary>
    public double SwapCost { get; }

    public int Workers { get; }

    public static string FileName(int checkpoint) => FormattableString.Invariant($"checkpoint-{checkpoint}.safetensors");

    public static IReadOnlyList<string> FileNames => [.. Enumerable.Range(0, Checkpoints).Select(FileName)];

    /// <summary>max(total render time / workers, longest render): no schedule finishes sooner, swaps or not.</summary>
    public double WorkBound => Math.Max(Seconds.Sum() / Workers, Seconds.Max());

    /// <summary>
    /// The loads of an offline plan that gives each checkpoint ⌈workers × its share of the jobs⌉ GPUs, each loading it
    /// once (first loads included): what a perfect placement needs.
    /// </summary>
    public int MinimumLoads => Checkpoint.GroupBy(c => c).Sum(g => (int)((Workers * (long)g.Count() + Checkpoint.Length - 1) / Checkpoint.Length));

    /// <summary>
    /// FIFO with no queue overhead: the next job in submit order goes to the first free GPU, which swaps when it has
    /// another checkpoint loaded. The makespan and the loads.
    /// </summary>
    public (double Makespan, int Loads) Fifo()
    {
        var loaded = new int[Workers];
        Array.Fill(loaded, -1);
        var loads = 0;
        var makespan = ZeroOverheadPull.Makespan(Workers, Enumerable.Range(0, Seconds.Length), (worker, job) =>
        {
            if (loaded[worker] == Checkpoint[job]) return Seconds[job];
            (loaded[worker], loads) = (Checkpoint[job], loads + 1);
            return SwapCost + Seconds[job];
        });
        return (makespan, loads);
    }
}
