using System.Collections.Concurrent;
using System.Net;
using RenderQueue.Client;

namespace RenderQueue.Faults.Tests.Harness;

/// <summary>
/// Clients submitting short jobs without pause between faults, each with its own Idempotency-Key, resending a submit
/// after any error (refused connection, reset, 5xx, timeout) until the server answers 2xx. Records every accepted key.
/// </summary>
internal sealed class SubmitLoad : IAsyncDisposable
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);
    private readonly ConcurrentDictionary<string, string> _accepted = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private DateTimeOffset _giveUpAt = DateTimeOffset.MaxValue;
    private int _next;
    private int _errors;
    private int _unresolved;

    private SubmitLoad()
    {
    }

    /// <summary>Idempotency key → job id, for every submit answered 2xx.</summary>
    public IReadOnlyDictionary<string, string> Accepted => _accepted;

    /// <summary>Submit attempts that failed and were resent.</summary>
    public int Errors => Volatile.Read(ref _errors);

    /// <summary>Submits still without a 2xx when the load stopped.</summary>
    public int Unresolved => Volatile.Read(ref _unresolved);

    public static SubmitLoad Start(FaultBed bed, string prefix, double jobSeconds, int clients = 2)
    {
        var load = new SubmitLoad();
        for (var i = 0; i < clients; i++)
        {
            var client = bed.NewClient(bed.Address, TimeSpan.FromSeconds(10));
            load._loops.Add(Task.Run(() => load.SubmitLoopAsync(client, prefix, jobSeconds)));
        }
        return load;
    }

    /// <summary>Stops starting new submits; one in flight is resent until 2xx or <paramref name="limit"/> passes.</summary>
    public async Task StopAsync(TimeSpan limit)
    {
        _giveUpAt = DateTimeOffset.UtcNow + limit;
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    private async Task SubmitLoopAsync(RenderQueueClient client, string prefix, double jobSeconds)
    {
        while (!_stop.IsCancellationRequested)
        {
            var key = $"{prefix}-{Interlocked.Increment(ref _next):000000}";
            while (true)
            {
                try
                {
                    _accepted[key] = (await client.SubmitAsync(Jobs.Simulated(jobSeconds, idempotencyKey: key), key)).Id;
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException
                    || e is RenderQueueApiException { StatusCode: >= HttpStatusCode.InternalServerError })
                {
                    Interlocked.Increment(ref _errors);
                    if (DateTimeOffset.UtcNow > _giveUpAt)
                    {
                        Interlocked.Increment(ref _unresolved);
                        return;
                    }
                    await Task.Delay(Pace, CancellationToken.None);
                }
            }
            await Task.Delay(Pace, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync(TimeSpan.Zero);
        _stop.Dispose();
    }
}
