using RenderQueue.Core.Jobs;
using RenderQueue.Processes;

namespace RenderQueue.Cli.Tests;

public sealed class ErrorAndSettingsTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string ClosedPortUrl() => $"http://127.0.0.1:{FreePort.Next()}";

    [Fact]
    public async Task An_unreachable_server_is_one_line_and_exit_3()
    {
        var url = ClosedPortUrl();
        var result = await _cli.RunOverNetworkAsync("ls", "--server", url);
        Assert.Equal(3, result.ExitCode);
        Assert.Empty(result.Out);
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith($"renderq: cannot reach the server at {url}/ (from --server): ", line);
    }

    [Fact]
    public async Task An_unknown_job_is_exit_1_with_the_problem_text()
    {
        var missing = JobId.New(TimeProvider.System);
        var result = await _cli.RunAsync("status", missing);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"renderq: 404 Job not found: Job '{missing}' was not found.", result.Error.Trim());

        var junk = await _cli.RunAsync("status", "not-an-id");
        Assert.Equal(1, junk.ExitCode);
        Assert.Single(junk.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_name_the_command()
    {
        var result = await _cli.RunAsync("ls", "--limit", "many");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("renderq: Cannot parse argument 'many' for option '--limit'", result.Error);
        Assert.Contains("Run 'renderq ls --help' for usage.", result.Error);

        Assert.Equal(2, (await _cli.RunAsync("frobnicate")).ExitCode);
    }

    [Fact]
    public async Task The_server_comes_from_the_flag_then_the_environment_then_the_config_file()
    {
        var fromFile = ClosedPortUrl();
        var config = Path.Combine(_cli.Home, ".config", "renderq", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        await File.WriteAllTextAsync(config, $$"""{"server": "{{fromFile}}", "key": "rq_file"}""");
        Assert.Contains($"at {fromFile}/ (from {config})", (await _cli.RunOverNetworkAsync("ls")).Error);

        var fromEnvironment = ClosedPortUrl();
        _cli.Environment["RENDERQUEUE_URL"] = fromEnvironment;
        Assert.Contains($"at {fromEnvironment}/ (from RENDERQUEUE_URL)", (await _cli.RunOverNetworkAsync("ls")).Error);

        var fromFlag = ClosedPortUrl();
        Assert.Contains($"at {fromFlag}/ (from --server)", (await _cli.RunOverNetworkAsync("ls", "-s", fromFlag)).Error);
    }

    [Fact]
    public async Task A_bad_config_file_or_url_is_a_usage_error()
    {
        var config = Path.Combine(_cli.Home, ".config", "renderq", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        await File.WriteAllTextAsync(config, """{"sever": "http://gpu-hub:8000"}""");
        var typo = await _cli.RunOverNetworkAsync("ls");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("unknown setting 'sever'", typo.Error);

        File.Delete(config);
        var notUrl = await _cli.RunOverNetworkAsync("ls", "--server", "gpu-hub:8000");
        Assert.Equal(2, notUrl.ExitCode);
        Assert.Equal("renderq: The server address 'gpu-hub:8000' (from --server) is not an http:// or https:// URL.", notUrl.Error.Trim());
    }

    [Fact]
    public void The_key_comes_from_the_flag_then_the_environment()
    {
        var host = new CliHost
        {
            Out = TextWriter.Null,
            Error = TextWriter.Null,
            Environment = name => name == "RENDERQUEUE_KEY" ? "rq_env" : null,
        };
        Assert.Equal("rq_env", ServerSettings.Resolve(null, null, host).ApiKey);
        Assert.Equal("rq_flag", ServerSettings.Resolve(null, "rq_flag", host).ApiKey);
        Assert.Equal(new Uri("http://localhost:8000/"), ServerSettings.Resolve(null, null, host).Server);
    }
}
