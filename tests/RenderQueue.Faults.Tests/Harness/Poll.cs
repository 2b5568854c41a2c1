using System.Diagnostics;

namespace RenderQueue.Faults.Tests.Harness;

/// <summary>Waits on other processes by polling a condition, bounded by a generous deadline; never sleeps for time's sake.</summary>
internal static class Poll
{
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, string what, TimeSpan limit, Func<string>? logs = null)
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
            if (clock.Elapsed > limit) Assert.Fail($"Gave up after {limit.TotalSeconds:0.#} s waiting for {what}.{(logs is null ? "" : "\n" + logs())}");
            await Task.Delay(25);
        }
    }

    public static Task<TimeSpan> UntilAsync(Func<bool> condition, string what, TimeSpan limit, Func<string>? logs = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, limit, logs);
}
