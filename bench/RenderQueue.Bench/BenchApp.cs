using RenderQueue.Bench.Harness;
using RenderQueue.Bench.Scenarios;

namespace RenderQueue.Bench;

/// <summary>Parses the command line, runs one scenario against a fresh server, prints the table and writes the JSON.</summary>
public static class BenchApp
{
    /// <summary>Runs the bench; returns the exit code (0 done, 1 failed, 2 usage).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (BenchUsageException e)
        {
            output.WriteLine(e.Message);
            output.WriteLine(BenchOptions.Usage);
            return 2;
        }

        var load = Machine.LoadAverage()[0];
        output.WriteLine($"{options.Scenario} on {options.StoreName}: {Machine.Describe()}; load average {Text.N(load, "0.00")}");
        if (load > 1.5)
            output.WriteLine("warning: the machine is busy (1-minute load above 1.5); figures will be lower than on a quiet machine.");

        await using var report = new BenchReport(options.Scenario, options.StoreName);
        try
        {
            await (options.Scenario switch
            {
                "throughput" => ThroughputScenario.RunAsync(options, report, output, ct),
                "pickup" => PickupScenario.RunAsync(options, report, output, ct),
                "scale" => ScaleScenario.RunAsync(options, report, output, ct),
                "compare" => CompareScenario.RunAsync(options, report, output, ct),
                "models" => ModelsScenario.RunAsync(options, report, output, ct),
                "fairness" => FairnessScenario.RunAsync(options, report, output, ct),
                _ => FleetScenario.RunAsync(options, report, output, ct),
            });
        }
        catch (Exception e) when (e is BenchHttpException or HttpRequestException or TimeoutException or InvalidOperationException)
        {
            output.WriteLine($"{options.Scenario} failed: {e.Message}");
            return 1;
        }
        await report.FinishAsync(options.OutputFolder ?? BenchReport.DefaultFolder(), output);
        return 0;
    }
}
