using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Api;

/// <summary>Reads <c>GET /api/v1/jobs</c>'s query string into a <see cref="JobQuery"/>, refusing what it cannot mean.</summary>
internal static class JobListQuery
{
    public const int MaxLimit = 500;

    public static JobQuery Parse(string? state, string? queue, string? type, int? limit, string? cursor)
    {
        var errors = new Dictionary<string, string[]>();
        var states = new List<JobState>();
        foreach (var name in (state ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (JobStates.TryParse(name, out var parsed)) states.Add(parsed);
            else errors["state"] = [$"Unknown state '{name}'; use {string.Join(", ", JobStates.All.Select(s => s.ToWire()))}."];
        }
        if (queue is not null && !SubmitValidation.IsName(queue)) errors["queue"] = [$"'{queue}' is not a queue name."];
        if (type is not null && !SubmitValidation.IsName(type)) errors["type"] = [$"'{type}' is not a job type."];
        if (limit is < 1 or > MaxLimit) errors["limit"] = [FormattableString.Invariant($"limit must be between 1 and {MaxLimit}.")];
        RequestValidationException.ThrowIfAny(errors);

        return new JobQuery
        {
            States = states.Distinct().ToArray(),
            Queue = queue,
            Type = type,
            Limit = limit ?? 50,
            Cursor = string.IsNullOrEmpty(cursor) ? null : cursor,
        };
    }
}
