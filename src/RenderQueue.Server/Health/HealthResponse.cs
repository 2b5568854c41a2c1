using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RenderQueue.Server.Errors;

namespace RenderQueue.Server.Health;

/// <summary>Health answers: <c>{"status": "healthy", "checks": {…}}</c>, or a 503 problem naming what failed.</summary>
internal static class HealthResponse
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description });
        if (report.Status == HealthStatus.Healthy)
        {
            await context.Response.WriteAsJsonAsync(new { status = "healthy", checks }, context.RequestAborted);
            return;
        }
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var failed = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}");
        var problem = new ProblemDetails
        {
            Status = context.Response.StatusCode,
            Title = "Not ready",
            Detail = string.Join(" ", failed),
            Type = ProblemTypes.NotReady,
        };
        problem.Extensions["checks"] = checks;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
