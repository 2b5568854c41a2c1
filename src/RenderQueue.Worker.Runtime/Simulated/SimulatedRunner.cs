using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using RenderQueue.Worker.Runtime.Imaging;
using RenderQueue.Worker.Runtime.Runners;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Worker.Runtime.Simulated;

/// <summary>
/// The <c>simulated</c> job type: waits <c>duration</c> in <c>steps</c> (on the injected clock, so tests drive it),
/// reporting each step, then writes a small valid PNG named <c>simulated.png</c>, or fails as the payload asks.
/// For demos, tests and benchmarks.
/// </summary>
public sealed class SimulatedRunner(IOptions<SimulatedRunnerOptions> options, TimeProvider time) : IJobRunner
{
    public const string JobType = "simulated";

    private readonly ExecutionLedger? _ledger = options.Value.LedgerFolder is { Length: > 0 } folder ? new ExecutionLedger(folder, time) : null;

    public string Type => JobType;

    public async Task<JsonElement?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var payload = SimulatedPayload.Parse(run.Payload, options.Value);
        if (_ledger is not null) await _ledger.RecordStartAsync(run.JobId, run.Attempt, cancellationToken);
        var outcome = "canceled";
        try
        {
            var result = await RenderAsync(run, payload, cancellationToken);
            outcome = "succeeded";
            return result;
        }
        catch (JobFailedException failure)
        {
            outcome = "failed:" + failure.Error.Class;
            throw;
        }
        finally
        {
            // The end line is written even when the run was canceled: the ledger records what happened.
            if (_ledger is not null) await _ledger.RecordEndAsync(run.JobId, run.Attempt, outcome);
        }
    }

    private async Task<JsonElement?> RenderAsync(JobRun run, SimulatedPayload payload, CancellationToken cancellationToken)
    {
        run.Progress.Report(new JobProgress(0, payload.Steps, "starting"));
        var step = payload.Duration / payload.Steps;
        for (var i = 1; i <= payload.Steps; i++)
        {
            if (step > TimeSpan.Zero) await Task.Delay(step, time, cancellationToken);
            else cancellationToken.ThrowIfCancellationRequested();
            run.Progress.Report(new JobProgress(i, payload.Steps, $"step {i}/{payload.Steps}"));
        }

        if (payload.Crash)
        {
            // A poison job: the whole worker dies as a native crash would, with no report and no drain.
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            self.Kill();
        }

        if (payload.Fail is { } errorClass && (payload.FailAttempts is not { } upTo || run.Attempt <= upTo))
            throw Failure(errorClass, run.Attempt);

        var png = PngEncoder.Gradient(payload.Width, payload.Height, seed: StableSeed(run.JobId));
        using (var content = new MemoryStream(png, writable: false))
            await run.Artifacts.AddAsync("simulated.png", ContentTypes.Png, content, cancellationToken);

        var result = new JsonObject
        {
            ["steps"] = payload.Steps,
            ["duration"] = payload.Duration.TotalSeconds,
            ["width"] = payload.Width,
            ["height"] = payload.Height,
        };
        return JsonSerializer.SerializeToElement(result);
    }

    /// <summary>FNV-1a of the job id: the same job draws the same picture in every process.</summary>
    private static int StableSeed(string jobId)
    {
        var hash = 2166136261u;
        foreach (var c in jobId) hash = (hash ^ c) * 16777619u;
        return (int)hash;
    }

    private static JobFailedException Failure(string errorClass, int attempt)
    {
        var message = $"Simulated failure '{errorClass}' on attempt {attempt}, as the payload asked.";
        return errorClass switch
        {
            ErrorClasses.OutOfMemory => JobFailedException.OutOfMemory(message),
            ErrorClasses.InvalidInput => JobFailedException.InvalidInput(message),
            _ => new JobFailedException(new JobError(message, errorClass), retryable: true),
        };
    }
}
