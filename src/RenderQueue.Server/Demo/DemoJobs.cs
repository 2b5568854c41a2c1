using System.Text.Json;
using RenderQueue.Core.Api;

namespace RenderQueue.Server.Demo;

/// <summary>The sample jobs of the demo: quick and slow renders, a priority job, and one that fails once with OOM and is retried.</summary>
internal static class DemoJobs
{
    public static IReadOnlyList<SubmitJobRequest> All { get; } =
    [
        Job("Quick render", """{"duration": 3, "steps": 10, "width": 128, "height": 128}"""),
        Job("Slow render", """{"duration": 8, "steps": 20, "width": 256, "height": 256}"""),
        Job("Runs out of memory once, then succeeds on retry", """{"duration": 2, "steps": 5, "fail": "oom", "fail_attempts": 1}"""),
        Job("Thumbnail", """{"duration": 2, "steps": 4, "width": 64, "height": 64}"""),
        Job("Urgent (priority 10)", """{"duration": 1, "steps": 5}""", priority: 10),
    ];

    private static SubmitJobRequest Job(string title, string payload, int priority = 0) => new()
    {
        Type = "simulated",
        Queue = "demo",
        Priority = priority,
        Payload = JsonDocument.Parse(payload).RootElement.Clone(),
        Metadata = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["title"] = title, ["demo"] = true }),
    };
}
