using System.Text.Json;
using RenderQueue.Worker.Runtime.Runners;

namespace RenderQueue.Worker.Runtime.Simulated;

/// <summary>
/// The <c>simulated</c> payload: <c>{"duration": 2.5, "steps": 10, "width": 64, "height": 64,
/// "fail": "oom", "fail_attempts": 1, "crash": false}</c>; every field is optional.
/// </summary>
/// <param name="Duration">Total time spent "rendering". Default 1 s.</param>
/// <param name="Steps">Progress steps over that time. Default 10.</param>
/// <param name="Width">Width of the PNG written. Default 64.</param>
/// <param name="Height">Height of the PNG written. Default 64.</param>
/// <param name="Fail">Instead of succeeding, fail with this error class after the steps: <c>oom</c>, <c>error</c>
/// (both retryable), <c>invalid_input</c> (not retryable), or any other class name (retryable).</param>
/// <param name="FailAttempts">Fail only attempts up to this number, then succeed. Default: every attempt.</param>
/// <param name="Crash">After the steps, kill the worker process running it (SIGKILL, no report): a poison job for
/// fault-injection tests. Default false.</param>
internal sealed record SimulatedPayload(TimeSpan Duration, int Steps, int Width, int Height, string? Fail, int? FailAttempts, bool Crash = false)
{
    private static readonly HashSet<string> Known = ["duration", "steps", "width", "height", "fail", "fail_attempts", "crash"];

    public static SimulatedPayload Parse(JsonElement payload, SimulatedRunnerOptions options)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            throw JobFailedException.InvalidInput("The simulated payload must be a JSON object such as {\"duration\": 2, \"steps\": 10}.");
        foreach (var property in payload.EnumerateObject())
        {
            if (!Known.Contains(property.Name))
                throw JobFailedException.InvalidInput($"Unknown field '{property.Name}' in the simulated payload; known: {string.Join(", ", Known)}.");
        }

        var seconds = Number(payload, "duration", 1, 0, options.MaxDuration.TotalSeconds);
        var steps = (int)Number(payload, "steps", 10, 1, 100_000, integer: true);
        var width = (int)Number(payload, "width", 64, 1, options.MaxImageSide, integer: true);
        var height = (int)Number(payload, "height", 64, 1, options.MaxImageSide, integer: true);
        string? fail = null;
        if (payload.TryGetProperty("fail", out var failElement) && failElement.ValueKind != JsonValueKind.Null)
        {
            fail = failElement.ValueKind == JsonValueKind.String ? failElement.GetString() : null;
            if (!Core.Api.SubmitValidation.IsName(fail))
                throw JobFailedException.InvalidInput("'fail' must be an error class name such as \"oom\" or \"error\".");
        }
        int? failAttempts = payload.TryGetProperty("fail_attempts", out var fa) && fa.ValueKind != JsonValueKind.Null
            ? (int)Number(payload, "fail_attempts", 0, 0, 1_000, integer: true)
            : null;
        var crash = false;
        if (payload.TryGetProperty("crash", out var crashElement) && crashElement.ValueKind != JsonValueKind.Null)
        {
            if (crashElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw JobFailedException.InvalidInput("'crash' must be true or false.");
            crash = crashElement.GetBoolean();
        }
        return new SimulatedPayload(TimeSpan.FromSeconds(seconds), steps, width, height, fail, failAttempts, crash);
    }

    private static double Number(JsonElement payload, string name, double fallback, double min, double max, bool integer = false)
    {
        if (!payload.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return fallback;
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || value < min || value > max
            || integer && value != Math.Floor(value))
        {
            var kind = integer ? "an integer" : "a number";
            throw JobFailedException.InvalidInput(FormattableString.Invariant($"'{name}' must be {kind} between {min} and {max}."));
        }
        return value;
    }
}
