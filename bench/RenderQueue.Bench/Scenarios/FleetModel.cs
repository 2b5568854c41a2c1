namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// The fleet's jobs: log-normal render times (median 30 s, σ = 0.8 in the model), each with an estimate that is off by
/// a log-normal error (σ = 0.3), seeded; then time-scaled so the ideal bound is a chosen number of seconds.
/// </summary>
internal sealed class FleetModel
{
    public const double MedianSeconds = 30;
    public const double Sigma = 0.8;
    public const double EstimateSigma = 0.3;

    public FleetModel(int jobs, int workers, int seed, double idealSeconds)
    {
        var random = new Random(seed);
        var model = new double[jobs];
        var estimates = new double[jobs];
        for (var i = 0; i < jobs; i++)
        {
            model[i] = LogNormal.Sample(random, MedianSeconds, Sigma);
            estimates[i] = LogNormal.Sample(random, model[i], EstimateSigma);
        }
        var idealModel = Math.Max(model.Sum() / workers, model.Max());
        Scale = idealSeconds / idealModel;
        Seconds = [.. model.Select(d => d * Scale)];
        Estimates = [.. estimates.Select(d => d * Scale)];
        Workers = workers;
    }

    /// <summary>Scaled run times in seconds.</summary>
    public double[] Seconds { get; }

    /// <summary>Scaled estimates in seconds: what a submitter would guess (e.g. from steps × resolution).</summary>
    public double[] Estimates { get; }

    /// <summary>Real seconds per model second.</summary>
    public double Scale { get; }

    public int Workers { get; }

    public double TotalWork => Seconds.Sum();

    public double Longest => Seconds.Max();

    /// <summary>max(total work / workers, longest job): no schedule can finish sooner.</summary>
    public double IdealBound => Math.Max(TotalWork / Workers, Longest);

    /// <summary>Each job to worker i mod W, each worker running its own list in order: a load balancer's push.</summary>
    public double RoundRobinMakespan()
    {
        var finish = new double[Workers];
        for (var i = 0; i < Seconds.Length; i++) finish[i % Workers] += Seconds[i];
        return finish.Max();
    }

    /// <summary>A pull queue with no overhead: the next job in <paramref name="order"/> goes to the first free worker.</summary>
    public double PullMakespan(IEnumerable<int> order) => ZeroOverheadPull.Makespan(Workers, order, (_, job) => Seconds[job]);

    public IEnumerable<int> SubmitOrder => Enumerable.Range(0, Seconds.Length);

    /// <summary>Highest estimate first (ties in submit order), as the queue orders jobs by priority.</summary>
    public IEnumerable<int> LongestEstimateFirst => SubmitOrder.OrderByDescending(PriorityOf).ThenBy(i => i);

    /// <summary>The job's priority in the longest-first run: its estimate in hundredths of a model second, capped.</summary>
    public int PriorityOf(int job) => (int)Math.Min(1_000_000, Math.Round(Estimates[job] / Scale * 100));
}
