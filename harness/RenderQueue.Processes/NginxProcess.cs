using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace RenderQueue.Processes;

/// <summary>
/// A real <c>nginx</c> in the foreground with its own prefix folder: the site configuration a test gives it goes
/// inside a minimal main configuration whose pid file, logs and temp folders all live in that folder, so it needs
/// no system service and leaves nothing behind. Stopped (with its workers) when disposed.
/// </summary>
public sealed class NginxProcess : IDisposable
{
    private readonly TempDirectory _prefix = new("renderqueue-nginx");
    private readonly Process _process;

    private NginxProcess(string executable, string siteConfiguration, int port)
    {
        Port = port;
        File.WriteAllText(_prefix.File("site.conf"), siteConfiguration);
        File.WriteAllText(_prefix.File("nginx.conf"), MainConfiguration(_prefix.Path));
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-p", _prefix.Path + "/", "-c", _prefix.File("nginx.conf"), "-e", _prefix.File("error.log"), "-g", "daemon off;" })
            start.ArgumentList.Add(argument);
        _process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>
    /// Starts nginx with <paramref name="siteConfiguration"/> (http-context directives: upstreams, maps, servers)
    /// and waits until it accepts connections on <paramref name="port"/>, the port that configuration listens on.
    /// </summary>
    /// <exception cref="InvalidOperationException">nginx is not installed, or it refused the configuration (its log says why).</exception>
    public static NginxProcess Start(string siteConfiguration, int port)
    {
        var nginx = new NginxProcess(ExecutableLookup.Require("nginx", "nginx"), siteConfiguration, port);
        try
        {
            nginx.WaitUntilListening(TimeSpan.FromSeconds(15));
            return nginx;
        }
        catch
        {
            nginx.Dispose();
            throw;
        }
    }

    /// <summary>nginx's error log (warnings, upstream failures, start-up errors).</summary>
    public string Log()
    {
        var path = _prefix.File("error.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no log)";
    }

    private static string MainConfiguration(string prefix) => $$"""
        # Written by RenderQueue.Processes.NginxProcess: everything nginx writes stays under {{prefix}}.
        worker_processes 1;
        pid {{prefix}}/nginx.pid;
        error_log {{prefix}}/error.log info;
        events {
            worker_connections 1024;
        }
        http {
            access_log {{prefix}}/access.log;
            client_body_temp_path {{prefix}}/client_body;
            proxy_temp_path {{prefix}}/proxy;
            fastcgi_temp_path {{prefix}}/fastcgi;
            uwsgi_temp_path {{prefix}}/uwsgi;
            scgi_temp_path {{prefix}}/scgi;
            include {{prefix}}/site.conf;
        }
        """;

    private void WaitUntilListening(TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"nginx exited with code {_process.ExitCode} at start. Its log:\n{Log()}");
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20); // waiting for another process to come up, not for time to pass in a test
            }
        }
        throw new InvalidOperationException($"nginx did not listen on port {Port} within {limit}. Its log:\n{Log()}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        _prefix.Dispose();
    }
}
