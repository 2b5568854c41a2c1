using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RenderQueue.Processes;

namespace RenderQueue.Server.Tests;

/// <summary>
/// Kestrel's limits on the real server, over loopback sockets: idle sockets, slowloris headers and a trickled body
/// are cut off, connections past the cap are closed at once, and the server answers health checks throughout.
/// </summary>
public sealed class SlowClientTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-slow-clients");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Slow_and_idle_clients_are_cut_off_while_the_server_stays_healthy()
    {
        await using var server = ServerProcess.Start(_folder.Path, new Dictionary<string, string>
        {
            ["RENDERQUEUE__Store__Sqlite__Path"] = Path.Combine(_folder.Path, "renderqueue.db"),
            ["RENDERQUEUE__Artifacts__Folder"] = Path.Combine(_folder.Path, "artifacts"),
            ["RENDERQUEUE__Limits__RequestHeadersTimeout"] = "00:00:02",
            ["RENDERQUEUE__Limits__KeepAliveTimeout"] = "00:00:03", // a connection that never sends a request is idle keep-alive
            ["RENDERQUEUE__Limits__MaxConnections"] = "100",
            ["RENDERQUEUE__Events__KeepAliveInterval"] = "00:00:01",
            ["RENDERQUEUE__Events__KeepAliveTimeout"] = "00:00:01",
        });
        await server.WaitUntilReadyAsync();
        var endpoint = new IPEndPoint(IPAddress.Loopback, server.Address.Port);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();

        var mute = await OpenEventsSocketAsync(endpoint, stop.Token); // upgrades, then never answers the server's pings
        var idle = await OpenAsync(endpoint, 40);
        var slowloris = await OpenAsync(endpoint, 15);
        var slowBody = await OpenAsync(endpoint, 5);
        var trickles = slowloris.Select(s => TrickleAsync(s, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-Slow: 1\r\n", TimeSpan.FromMilliseconds(400), stop.Token))
            .Concat(slowBody.Select(s => TrickleAsync(s,
                "POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n", "{", TimeSpan.FromSeconds(1), stop.Token)))
            .ToList();
        var muteClosed = ClosedByServerAsync(mute, stop.Token);
        var closes = idle.Concat(slowloris).Concat(slowBody).Select(s => ClosedByServerAsync(s, stop.Token)).ToList();
        var health = ProbeHealthAsync(server.Address, () => closes.All(c => c.IsCompleted), stop.Token);

        try
        {
            await Task.WhenAll(closes);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"still open after 30 s: idle {Open(closes.Take(40))}, slowloris {Open(closes.Skip(40).Take(15))}, slow body {Open(closes.Skip(55))}");
        }
        var closedAfter = closes.Select(c => c.Result).ToArray();
        var (probes, failures) = await health;
        output.WriteLine($"idle closed after ≤ {closedAfter.Take(40).Max():0.0} s, slowloris ≤ {closedAfter.Skip(40).Take(15).Max():0.0} s, " +
            $"slow body ≤ {closedAfter.Skip(55).Max():0.0} s; {probes} health probes meanwhile, {failures} failed");
        Assert.Equal(0, failures);
        Assert.True(probes > 0);
        Assert.All(closedAfter, seconds => Assert.True(seconds < 20, $"a slow socket stayed open {seconds:0.0} s"));
        output.WriteLine($"an events socket that answers no ping was dropped after {await muteClosed:0.0} s");
        await Task.WhenAll(trickles);

        // Past the connection cap, sockets are closed as soon as they are accepted.
        var flood = await OpenAsync(endpoint, 130);
        var floodCloses = flood.Select(s => ClosedByServerAsync(s, stop.Token)).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.True(floodCloses.Count(c => c.IsCompleted) >= 30, $"{floodCloses.Count(c => c.IsCompleted)} of 130 closed at once with the cap at 100");
        await Task.WhenAll(floodCloses);
        using var http = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        output.WriteLine($"done in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var socket in idle.Concat(slowloris).Concat(slowBody).Concat(flood).Append(mute)) socket.Dispose();
    }

    private static async Task<Socket> OpenEventsSocketAsync(IPEndPoint endpoint, CancellationToken ct)
    {
        var socket = (await OpenAsync(endpoint, 1))[0];
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"), ct);
        var head = new byte[12];
        Assert.Equal(12, await socket.ReceiveAsync(head, ct));
        Assert.Equal("HTTP/1.1 101", Encoding.ASCII.GetString(head));
        return socket;
    }

    private static int Open(IEnumerable<Task<double>> closes) => closes.Count(c => !c.IsCompletedSuccessfully);

    private static async Task<List<Socket>> OpenAsync(IPEndPoint endpoint, int count)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endpoint);
            sockets.Add(socket);
        }
        return sockets;
    }

    /// <summary>Sends <paramref name="start"/>, then <paramref name="drip"/> every <paramref name="every"/> until the server hangs up.</summary>
    private static async Task TrickleAsync(Socket socket, string start, string drip, TimeSpan every, CancellationToken ct)
    {
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(start), ct);
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(every, ct);
                await socket.SendAsync(Encoding.ASCII.GetBytes(drip), ct);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the server hung up: that is the point
        }
    }

    /// <summary>Seconds until the server closes the socket (it may answer 408 first).</summary>
    private static async Task<double> ClosedByServerAsync(Socket socket, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, ct) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // reset by the server
        }
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<(int Probes, int Failures)> ProbeHealthAsync(Uri address, Func<bool> done, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var (probes, failures) = (0, 0);
        while (!done() && !ct.IsCancellationRequested)
        {
            probes++;
            try
            {
                if ((await http.GetAsync("/health/live", ct)).StatusCode != HttpStatusCode.OK) failures++;
            }
            catch (HttpRequestException)
            {
                failures++;
            }
            await Task.Delay(200, ct);
        }
        return (probes, failures);
    }
}
