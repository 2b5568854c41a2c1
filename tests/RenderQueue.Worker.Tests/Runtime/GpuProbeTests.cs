using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime.Gpus;
using RenderQueue.Core.Workers;
using RenderQueue.Processes;
using RenderQueue.Worker.Tests.Runners;

namespace RenderQueue.Worker.Tests.Runtime;

public sealed class GpuProbeTests : IDisposable
{
    private readonly TempDirectory _bin = new("renderqueue-fake-bin");

    public void Dispose() => _bin.Dispose();

    /// <summary>
    /// Writes a fake <c>nvidia-smi</c> that checks its arguments and prints <paramref name="output"/>, using shell
    /// builtins only, so it works on a PATH that holds nothing else.
    /// </summary>
    internal static void FakeNvidiaSmi(TempDirectory bin, string output, int exitCode = 0)
    {
        var lines = string.Join('\n', output.Split('\n').Select(line => $"printf '%s\\n' '{line.Replace("'", "", StringComparison.Ordinal)}'"));
        CommandRunnerTests.Script(bin, "nvidia-smi", $$"""
            [ "$1" = "{{NvidiaSmiParser.QueryArguments}}" ] && [ "$2" = "{{NvidiaSmiParser.FormatArguments}}" ] || { echo "unexpected arguments: $*" >&2; exit 9; }
            {{lines}}
            exit {{exitCode}}
            """);
    }

    private static NvidiaSmiGpuProbe Probe(string searchPath) =>
        new(Options.Create(new NvidiaSmiOptions { SearchPath = searchPath }), NullLogger<NvidiaSmiGpuProbe>.Instance);

    [Fact]
    public async Task Without_nvidia_smi_on_the_path_there_are_no_gpus() =>
        Assert.Empty(await Probe(_bin.Path).ReadAsync(CancellationToken.None));

    [Fact]
    public async Task A_fake_nvidia_smi_on_the_path_is_read()
    {
        FakeNvidiaSmi(_bin, "0, NVIDIA GeForce RTX 4090, 24564, 23012, GPU-5c1e0a2b\n1, NVIDIA H100 80GB HBM3, 81559, 80000, GPU-77aa");

        var gpus = await Probe("/nonexistent" + Path.PathSeparator + _bin.Path).ReadAsync(CancellationToken.None);

        Assert.Equal([new GpuInfo(0, "NVIDIA GeForce RTX 4090", 24564, 23012, "GPU-5c1e0a2b"), new GpuInfo(1, "NVIDIA H100 80GB HBM3", 81559, 80000, "GPU-77aa")], gpus);
    }

    [Fact]
    public async Task A_failing_nvidia_smi_means_no_gpus()
    {
        FakeNvidiaSmi(_bin, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.", exitCode: 9);

        Assert.Empty(await Probe(_bin.Path).ReadAsync(CancellationToken.None));
    }

    [Fact]
    public void The_parser_takes_names_with_commas_and_missing_values()
    {
        var gpus = NvidiaSmiParser.Parse("""
            0, NVIDIA A100-SXM4-40GB, 40960, 40000, GPU-a
            1, Weird, Name, Inc, 8192, [N/A], [N/A]
            garbage line
            x, bad index, 1, 1, GPU-c

            """);

        Assert.Equal([new GpuInfo(0, "NVIDIA A100-SXM4-40GB", 40960, 40000, "GPU-a"), new GpuInfo(1, "Weird, Name, Inc", 8192, 0, null)], gpus);
    }
}
