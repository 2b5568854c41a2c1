namespace RenderQueue.Server.Tests.Fuzz;

/// <summary>What the fuzzer aims at: every route of the app, and real values to put in their parameters.</summary>
internal sealed record FuzzTargets(
    IReadOnlyList<(string Pattern, IReadOnlyList<string> Methods)> Endpoints,
    IReadOnlyList<string> JobIds,
    IReadOnlyList<string> WorkerIds,
    IReadOnlyList<string> KeyIds,
    IReadOnlyList<string> WebhookIds,
    IReadOnlyList<string> Keys,
    (string Cookie, string CsrfToken) Session);

/// <summary>Valid bodies to start from, by route; the fuzzer mutates them or replaces them with noise.</summary>
internal static class FuzzBodies
{
    public static string? For(string method, string pattern) => (method, pattern) switch
    {
        ("POST", "/api/v1/jobs/") or ("POST", "/api/v1/jobs") =>
            """{"type": "simulated", "payload": {"seconds": 0, "prompt": "a fox"}, "queue": "fuzz", "priority": 3, "metadata": {"n": 1}, "max_attempts": 2, "timeout": 60, "batch_key": "b", "requirements": {"labels": ["gpu=4090"], "models": ["m"], "min_vram_mb": 1}}""",
        ("POST", "/api/v1/jobs/batch") => """{"jobs": [{"type": "simulated", "payload": {}}, {"type": "command", "payload": {"x": [1, 2]}, "queue": "fuzz"}]}""",
        ("PATCH", _) => """{"priority": 7}""",
        ("POST", _) when pattern.EndsWith("/cancel", StringComparison.Ordinal) => """{"reason": "fuzz"}""",
        ("POST", _) when pattern.EndsWith("/flag", StringComparison.Ordinal) => """{"reason": "hands look wrong"}""",
        ("POST", "/api/v1/leases/") or ("POST", "/api/v1/leases") => """{"worker_id": "gpu-fuzz", "max_jobs": 2, "wait": 0, "free_vram_mb": 1000}""",
        ("POST", _) when pattern.EndsWith("/renew", StringComparison.Ordinal) => """{"attempt": 1, "progress": {"value": 1, "max": 4, "message": "KSampler"}}""",
        ("POST", _) when pattern.EndsWith("/complete", StringComparison.Ordinal) => """{"attempt": 1, "result": {"seed": 42}}""",
        ("POST", _) when pattern.EndsWith("/fail", StringComparison.Ordinal) => """{"attempt": 1, "error": {"message": "oom", "class": "oom", "details": {"node": 3}}, "retryable": true}""",
        ("POST", _) when pattern.EndsWith("/release", StringComparison.Ordinal) => """{"attempt": 1, "reason": "drain"}""",
        ("POST", "/api/v1/workers/register") =>
            """{"id": "gpu-fuzz", "name": "fuzz", "types": ["simulated"], "queues": [], "labels": ["gpu=4090"], "models": [], "gpus": [{"index": 0, "name": "RTX", "vram_total_mb": 24000, "vram_free_mb": 20000}], "concurrency": 1}""",
        ("POST", _) when pattern.EndsWith("/heartbeat", StringComparison.Ordinal) => """{"current_jobs": [], "gpus": null, "models": null, "draining": false}""",
        ("POST", "/api/v1/keys/") or ("POST", "/api/v1/keys") => """{"name": "fuzz", "role": "worker"}""",
        ("POST", "/api/v1/session/") or ("POST", "/api/v1/session") => """{"key": "rq_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""",
        ("POST", "/api/v1/webhooks/") or ("POST", "/api/v1/webhooks") => """{"url": "https://hooks.example.invalid/fuzz", "queue": "fuzz", "events": ["job.succeeded", "job.progress"], "description": "fuzz"}""",
        ("PUT", _) => "PNG-BYTES",
        ("POST", _) => "{}",
        _ => null,
    };
}
