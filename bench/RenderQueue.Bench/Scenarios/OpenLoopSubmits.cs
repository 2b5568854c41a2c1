using System.Diagnostics;
using RenderQueue.Bench.Harness;

namespace RenderQueue.Bench.Scenarios;

/// <summary>
/// Single submits at a steady rate, open loop: submit i leaves at start + i / rate whatever the answers before it do,
/// as independent clients would send them (at most <see cref="MaxInFlight"/> unanswered, so a stalled server cannot
/// make the bench open sockets without end).
/// </summary>
internal static class OpenLoopSubmits
{
    public const int MaxInFlight = 256;

    /// <summary>
    /// Sends every body; <paramref name="sent"/>[i] is the <see cref="Stopwatch"/> timestamp submit i left, written
    /// before it leaves and after <paramref name="leaving"/>(i, that timestamp) is called. Returns, once every submit
    /// was answered, the timestamp the last one left.
    /// </summary>
    public static async Task<long> SendAsync(
        BenchApi api, IReadOnlyList<byte[]> bodies, double rate, long[] sent, Action<long, long>? leaving, CancellationToken ct)
    {
        using var inFlight = new SemaphoreSlim(MaxInFlight);
        var submits = new List<Task>(bodies.Count);
        var start = Stopwatch.GetTimestamp();
        var last = start;
        for (var i = 0; i < bodies.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            var ahead = due - Stopwatch.GetElapsedTime(start);
            if (ahead > TimeSpan.FromMilliseconds(1)) await Task.Delay(ahead, ct);
            await inFlight.WaitAsync(ct);
            last = Stopwatch.GetTimestamp();
            leaving?.Invoke(i, last);
            Volatile.Write(ref sent[i], last);
            submits.Add(SubmitAsync(bodies[i]));
        }
        await Task.WhenAll(submits);
        return last;

        async Task SubmitAsync(byte[] body)
        {
            try
            {
                await api.SubmitAsync(body, ct);
            }
            finally
            {
                inFlight.Release();
            }
        }
    }
}
