// The example of docs/adding-a-job-type.md, compiled and run by AddingAJobTypeDocTests. Keep the two identical.
using System.Text;
using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Worker.Runtime.Runners;

namespace RenderQueue.Worker.Tests.Docs;

/// <summary>Runs jobs of type <c>caption</c>: writes each line of the payload's text as a numbered caption file.</summary>
public sealed class CaptionRunner : IJobRunner
{
    public string Type => "caption";

    public async Task<JsonElement?> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        // 1. Read the payload; a payload that can never work fails as invalid_input, which is not retried.
        if (run.Payload.ValueKind != JsonValueKind.Object
            || !run.Payload.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
        {
            throw JobFailedException.InvalidInput("payload.text must be a string");
        }
        var lines = text.GetString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // 2. Do the work, reporting progress and honouring the token (cancel, lost lease, drain).
        for (var i = 0; i < lines.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            run.Progress.Report(new JobProgress(i, lines.Length, "caption " + (i + 1)));
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(lines[i].Trim()));
            // 3. Each output file is uploaded before AddAsync returns.
            await run.Artifacts.AddAsync($"caption_{i + 1:000}.txt", "text/plain", content, cancellationToken);
        }

        // 4. The result is stored with the job and shown in the API, the dashboard and webhooks.
        return JsonSerializer.SerializeToElement(new { captions = lines.Length });
    }
}
