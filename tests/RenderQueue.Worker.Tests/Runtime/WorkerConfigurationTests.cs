using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime;
using RenderQueue.Worker.Configuration;

namespace RenderQueue.Worker.Tests.Runtime;

public sealed class WorkerConfigurationTests
{
    [Fact]
    public void Switches_become_worker_settings_and_lists_split_on_commas_or_repeats()
    {
        var line = WorkerCommandLine.Parse(["--server", "http://q:8000", "--comfyui", "http://a:8188,http://b:8188", "--comfyui=http://c:8188",
            "--types", "comfyui,simulated", "--labels", "region=eu", "--concurrency", "3", "--Worker:DrainGrace=00:02:00", "--config", "w.json"]);

        Assert.Equal("http://q:8000", line.Settings["Worker:Server"]);
        Assert.Equal(["http://a:8188", "http://b:8188", "http://c:8188"], Enumerable.Range(0, 3).Select(i => line.Settings[$"Worker:ComfyUI:Urls:{i}"]));
        Assert.Equal("simulated", line.Settings["Worker:Types:1"]);
        Assert.Equal("3", line.Settings["Worker:Concurrency"]);
        Assert.Equal("00:02:00", line.Settings["Worker:DrainGrace"]);
        Assert.Equal("w.json", line.ConfigFile);
    }

    [Theory]
    [InlineData("--sever", "http://x")]
    [InlineData("stray")]
    [InlineData("--server")]
    public void Mistakes_on_the_command_line_are_explained(params string[] args) =>
        Assert.Throws<ArgumentException>(() => WorkerCommandLine.Parse(args));

    [Fact]
    public void Environment_variables_map_under_worker()
    {
        var settings = WorkerConfiguration.FromEnvironment(new Hashtable
        {
            ["RENDERQUEUE_WORKER__Server"] = "http://q:8000",
            ["RENDERQUEUE_WORKER__ComfyUI__Urls__0"] = "http://a:8188",
            ["RENDERQUEUE__Leases__Duration"] = "00:00:05",
        });

        Assert.Equal(new Dictionary<string, string?> { ["Worker:Server"] = "http://q:8000", ["Worker:ComfyUI:Urls:0"] = "http://a:8188" }, settings);
    }

    [Fact]
    public void The_api_key_comes_from_RENDERQUEUE_KEY_or_key()
    {
        Assert.Equal("rq_env", WorkerConfiguration.FromEnvironment(new Hashtable { ["RENDERQUEUE_KEY"] = "rq_env" })["Worker:ApiKey"]);
        Assert.Equal("rq_line", WorkerCommandLine.Parse(["--key", "rq_line"]).Settings["Worker:ApiKey"]);
    }

    [Fact]
    public async Task Types_default_to_the_configured_backends()
    {
        await using var services = Build("--server", "http://q:8000", "--comfyui", "http://a:8188", "--a1111", "http://b:7860");

        Assert.Equal(["comfyui", "a1111"], services.GetRequiredService<IOptions<AgentOptions>>().Value.Types);
    }

    [Theory]
    [InlineData("Worker:Server is required", "--types", "simulated")]
    [InlineData("Nothing to run", "--server", "http://q:8000")]
    [InlineData("no ComfyUI URL is configured", "--server", "http://q:8000", "--types", "comfyui")]
    [InlineData("no runner for it", "--server", "http://q:8000", "--types", "blender")]
    [InlineData("Worker:Concurrency must be between 1 and 64", "--server", "http://q:8000", "--types", "simulated", "--concurrency", "0")]
    [InlineData("Worker:Colour is not a setting", "--server", "http://q:8000", "--types", "simulated", "--Worker:Colour=blue")]
    [InlineData("Template 'echo {x': Unclosed", "--server", "http://q:8000", "--Worker:Command:Commands:bad:Template=echo {x")]
    [InlineData("Worker:Tracing:OtlpEndpoint must be an absolute http(s) URL", "--server", "http://q:8000", "--types", "simulated", "--Worker:Tracing:OtlpEndpoint=jaeger:4317")]
    [InlineData("Worker:ComfyUI:Gpus has 1 GPU indexes for 2 URLs", "--server", "http://q:8000", "--comfyui", "http://a:8188,http://b:8188", "--comfyui-gpus", "0")]
    [InlineData("Worker:A1111:Gpus:0 must be a GPU index", "--server", "http://q:8000", "--a1111", "http://a:7860", "--Worker:A1111:Gpus:0=-1")]
    [InlineData("Worker:HealthInterval must be positive", "--server", "http://q:8000", "--types", "simulated", "--Worker:HealthInterval=00:00:00")]
    public async Task A_bad_configuration_is_refused_with_a_message_naming_the_key(string message, params string[] args)
    {
        await using var services = Build(args);

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AgentOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Backends_are_bound_to_gpus_in_url_order_and_health_is_probed_every_2_s_by_default()
    {
        await using var services = Build("--server", "http://q:8000", "--comfyui", "http://a:8188,http://b:8188", "--comfyui-gpus", "1,0");

        var agent = services.GetRequiredService<IOptions<AgentOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), agent.HealthInterval);
        var backends = services.GetRequiredService<ComfyUI.ComfyUIRunner>().Backends;
        Assert.Equal(["comfyui-0", "comfyui-1"], backends.Select(b => b.Id));
        Assert.Equal([1, 0], backends.Select(b => b.GpuIndex));
    }

    private static ServiceProvider Build(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddWorkerSources(WorkerCommandLine.Parse(args), new Hashtable()).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddRenderQueueWorker(configuration)
            .BuildServiceProvider();
    }
}
