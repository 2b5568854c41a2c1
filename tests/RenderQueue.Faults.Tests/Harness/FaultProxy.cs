using System.Net;
using System.Net.Sockets;

namespace RenderQueue.Faults.Tests.Harness;

/// <summary>
/// An in-process TCP proxy on loopback between a worker or client and the server, which can misbehave:
/// <see cref="Blackhole"/> holds every byte in both directions (and every new connection) until
/// <see cref="Restore"/>, as a partition that heals does; <see cref="DropReplies"/> forwards requests but throws the
/// server's answers away and resets the caller's connection, so a committed request looks failed.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private TaskCompletionSource _open = Opened();
    private volatile bool _dropReplies;
    private int _dropped;

    public FaultProxy(Uri target)
    {
        _target = target;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Server answers thrown away so far.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    public void Blackhole()
    {
        lock (_gate)
        {
            if (_open.Task.IsCompleted) _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void DropReplies() => _dropReplies = true;

    /// <summary>Lets everything through again, delivering what a blackhole held.</summary>
    public void Restore()
    {
        _dropReplies = false;
        lock (_gate) _open.TrySetResult();
    }

    private Task Gate
    {
        get { lock (_gate) return _open.Task; }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient caller;
            try
            {
                caller = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ConnectAsync(caller));
        }
    }

    private async Task ConnectAsync(TcpClient caller)
    {
        using (caller)
        using (var server = new TcpClient())
        {
            try
            {
                await Gate.WaitAsync(_stop.Token); // a blackholed connection gets nowhere until restored
                await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
                using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = PumpAsync(caller.GetStream(), server.GetStream(), replies: false, lifetime.Token);
                var down = PumpAsync(server.GetStream(), caller.GetStream(), replies: true, lifetime.Token);
                await Task.WhenAny(up, down);
                if (down.IsCompleted && down.Result) caller.Client.LingerState = new LingerOption(true, 0); // reset, not a clean close
                await lifetime.CancelAsync();
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // either side went away, or the proxy stopped
            }
        }
    }

    /// <summary>Copies until either side closes; true when it dropped a reply (the caller must then see a reset).</summary>
    private async Task<bool> PumpAsync(NetworkStream from, NetworkStream to, bool replies, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, cancellationToken);
                if (read == 0) return false;
                await Gate.WaitAsync(cancellationToken);
                if (replies && _dropReplies)
                {
                    Interlocked.Increment(ref _dropped);
                    return true;
                }
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Restore();
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
