namespace RenderQueue.Bench.Scenarios;

/// <summary>A pull queue that costs nothing: what a measured run is compared with to see what the queue itself cost.</summary>
internal static class ZeroOverheadPull
{
    /// <summary>
    /// The next job in <paramref name="order"/> goes to the first free worker (ties to any), which is busy for
    /// <paramref name="time"/>(worker, job); the makespan.
    /// </summary>
    public static double Makespan(int workers, IEnumerable<int> order, Func<int, int, double> time)
    {
        var free = new PriorityQueue<int, double>();
        for (var w = 0; w < workers; w++) free.Enqueue(w, 0);
        var end = 0.0;
        foreach (var job in order)
        {
            free.TryDequeue(out var worker, out var at);
            var done = at + time(worker, job);
            end = Math.Max(end, done);
            free.Enqueue(worker, done);
        }
        return end;
    }
}
