using System.Net.WebSockets;
using RenderQueue.Faults.Tests.Harness;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>
/// F11 (store-independent, run on SQLite): clients connect to <c>/api/v1/events</c> and drop — half without a close
/// handshake — a thousand times while events flow; the server must not keep their sockets or grow.
/// </summary>
public sealed class F11EventSocketChurnTests(ITestOutputHelper output)
{
    private const int SocketMargin = 10;
    private const long MemoryMarginBytes = 40L * 1024 * 1024;

    [Fact]
    public async Task F11_a_thousand_connect_and_drop_cycles_on_the_events_socket_leak_no_sockets_and_leave_memory_flat()
    {
        var cycles = Scale.Pick(1_000, 20_000);
        await using var bed = await FaultBed.StartAsync(StoreKind.Sqlite);
        var pid = bed.Server.Id;
        var events = new Uri($"ws://{bed.Address.Authority}/api/v1/events?queue=faults&after=0");
        await bed.Client.SubmitBatchAsync([.. Enumerable.Range(0, 20).Select(_ => Jobs.Simulated(1))]); // a backlog to replay on each connect

        await ChurnAsync(events, bed, 100); // warm-up: JIT, pools, caches
        var socketsBefore = ProcFs.Sockets(pid);
        var memoryBefore = ProcFs.ResidentBytes(pid);
        var dropped = await ChurnAsync(events, bed, cycles);
        var settled = await Poll.UntilAsync(() => ProcFs.Sockets(pid) <= socketsBefore + SocketMargin, "the server to close the dropped sockets", Waits.Generous);
        var socketsAfter = ProcFs.Sockets(pid);
        var memoryAfter = ProcFs.ResidentBytes(pid);
        var stillServes = await ReceiveOneAsync(events);

        var figures = new Figures("F11", null, output);
        figures.Add("connect/drop cycles", cycles);
        figures.Add("of which dropped without a close handshake", dropped);
        figures.Add("server sockets before", socketsBefore);
        figures.Add("server sockets after", socketsAfter, bound: $"≤ before + {SocketMargin}");
        figures.Add("sockets settled after", settled);
        figures.Add("server RSS before", memoryBefore / 1048576.0, "MiB");
        figures.Add("server RSS after", memoryAfter / 1048576.0, "MiB", $"≤ before + {MemoryMarginBytes / 1048576} MiB");
        figures.Save();
        Assert.True(socketsAfter <= socketsBefore + SocketMargin, $"{socketsAfter} sockets after, {socketsBefore} before");
        Assert.True(memoryAfter <= memoryBefore + MemoryMarginBytes, $"RSS grew from {memoryBefore / 1048576} MiB to {memoryAfter / 1048576} MiB");
        Assert.True(stillServes, "the events socket sent nothing after the churn");
    }

    /// <summary>Connects, reads an event or two, and drops: every other one aborts (no close frame), the rest close politely.</summary>
    private static async Task<int> ChurnAsync(Uri events, FaultBed bed, int cycles)
    {
        var aborted = 0;
        var buffer = new byte[4096];
        for (var i = 0; i < cycles; i++)
        {
            if (i % 50 == 0) await bed.Client.SubmitAsync(Jobs.Simulated(1)); // live events while sockets come and go
            using var socket = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(events, timeout.Token);
            await socket.ReceiveAsync(buffer, timeout.Token);
            if (i % 2 == 0)
            {
                socket.Abort();
                aborted++;
            }
            else
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
        }
        return aborted;
    }

    private static async Task<bool> ReceiveOneAsync(Uri events)
    {
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(events, timeout.Token);
        var result = await socket.ReceiveAsync(new byte[4096], timeout.Token);
        return result.Count > 0;
    }
}
