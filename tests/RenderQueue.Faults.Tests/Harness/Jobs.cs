using System.Globalization;
using System.Text.Json;
using RenderQueue.Core.Api;

namespace RenderQueue.Faults.Tests.Harness;

/// <summary>Submit bodies of the <c>simulated</c> type the fault cases use.</summary>
internal static class Jobs
{
    /// <summary>A job that "renders" for <paramref name="seconds"/> in <paramref name="steps"/> and writes an 8×8 PNG.</summary>
    public static SubmitJobRequest Simulated(double seconds, int steps = 1, int maxAttempts = 10, string? idempotencyKey = null, string queue = "faults") => new()
    {
        Type = "simulated",
        Queue = queue,
        Payload = JsonDocument.Parse(string.Create(CultureInfo.InvariantCulture, $$"""{"duration": {{seconds}}, "steps": {{steps}}, "width": 8, "height": 8}""")).RootElement.Clone(),
        MaxAttempts = maxAttempts,
        IdempotencyKey = idempotencyKey,
    };

    /// <summary>A job whose every attempt kills the worker process running it (the simulated runner's <c>crash</c>).</summary>
    public static SubmitJobRequest Poison(int maxAttempts) => new()
    {
        Type = "simulated",
        Queue = "faults",
        Payload = JsonDocument.Parse("""{"duration": 0.2, "steps": 1, "crash": true}""").RootElement.Clone(),
        MaxAttempts = maxAttempts,
    };
}
