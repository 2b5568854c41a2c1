using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace RenderQueue.Processes;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with its own temp folder, started by a test and
/// stopped (killed) when disposed. RDB snapshots are off (<c>--save ''</c>); the append-only file is on
/// when the test needs durability across a restart.
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-redis");
    private readonly string _executable = ExecutableLookup.Require("redis-server", "redis-server");
    private readonly string[] _settings;
    private Process? _process;

    private RedisServerProcess(bool appendOnly, string maxMemoryPolicy, IEnumerable<string> settings)
    {
        Port = FreePort.Next();
        _settings =
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", _folder.Path, "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "everysec",
            "--maxmemory-policy", maxMemoryPolicy, "--daemonize", "no", "--protected-mode", "no", "--logfile", "redis.log",
            .. settings,
        ];
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public string DataFolder => _folder.Path;

    /// <summary>The running server's process id (the benchmarks read its CPU time from /proc).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");

    /// <summary>Starts a server and waits until it answers PING; <paramref name="settings"/> are more
    /// command-line settings such as <c>--maxmemory 4gb</c>.</summary>
    public static RedisServerProcess Start(bool appendOnly = false, string maxMemoryPolicy = "noeviction", IEnumerable<string>? settings = null)
    {
        var server = new RedisServerProcess(appendOnly, maxMemoryPolicy, settings ?? []);
        try
        {
            server.Launch();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        if (_process is null) return;
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port and folder (so it reloads its append-only file).</summary>
    public void Restart()
    {
        Kill();
        Launch();
    }

    private void Launch()
    {
        var start = new ProcessStartInfo(_executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var setting in _settings) start.ArgumentList.Add(setting);
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilReady(TimeSpan.FromSeconds(15));
    }

    private void WaitUntilReady(TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (_process!.HasExited)
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} at start. Its log:\n{Log()}");
            if (Ping()) return;
            Thread.Sleep(20); // waiting for another process to come up, not for time to pass in a test
        }
        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {limit}. Its log:\n{Log()}");
    }

    private bool Ping()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var read = stream.Read(buffer);
            // Loading the append-only file answers -LOADING until the data is back.
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The server's log file.</summary>
    public string Log()
    {
        var path = _folder.File("redis.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no log)";
    }

    public void Dispose()
    {
        Kill();
        _folder.Dispose();
    }
}
