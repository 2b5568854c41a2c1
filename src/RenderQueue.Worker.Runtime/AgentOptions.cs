namespace RenderQueue.Worker.Runtime;

/// <summary>The worker agent's pull loop (configuration section <c>Worker</c>).</summary>
public sealed class AgentOptions
{
    public const string Section = "Worker";

    /// <summary>The RenderQueue server, e.g. <c>http://queue-host:8000</c>. Required.</summary>
    public Uri? Server { get; set; }

    /// <summary>
    /// A <c>worker</c> API key, sent as <c>Authorization: Bearer</c> (<c>--key</c>, <c>RENDERQUEUE_KEY</c>). None by
    /// default: enough for a server on the same machine that has no keys yet.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>A stable worker id, so restarts show as the same worker. Default: the host name.</summary>
    public string? Id { get; set; }

    /// <summary>Shown to people. Default: the id.</summary>
    public string? Name { get; set; }

    /// <summary>Job types to run. Default: every runner that is configured (the simulated runner only when listed here).</summary>
    public List<string> Types { get; set; } = [];

    /// <summary>Labels matched against jobs' <c>requirements.labels</c>, e.g. <c>region=eu</c>. Default: none.</summary>
    public List<string> Labels { get; set; } = [];

    /// <summary>Queues to lease from. Default: every queue.</summary>
    public List<string> Queues { get; set; } = [];

    /// <summary>Jobs run at once by runners without backends (<c>command</c>, <c>simulated</c>). Default 1. A worker with
    /// ComfyUI or A1111 backends ignores it: each healthy, free backend is one slot.</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>How long one lease long-poll waits for a job (the server allows up to 30 s). Default 30 s.</summary>
    public TimeSpan LeaseWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A running job that reports no progress for this long is stopped and failed as <c>stalled</c> (retryable).
    /// The timer starts at the job's first progress report. Zero turns it off. Default 10 min.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>On SIGTERM / Ctrl+C, how long running jobs may take to finish before they are released back to the queue. Default 60 s.</summary>
    public TimeSpan DrainGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Progress goes to the server at most this often (besides the renew every lease/3). Default 500 ms.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>First wait before calling an unreachable server again; doubles, with jitter, up to <see cref="MaxRetryDelay"/>. Default 500 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between calls to an unreachable server. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one call to the server (register, heartbeat, renew, complete, fail) may take. Default 30 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the model lists of the backends are read again and sent with a heartbeat. Default 5 min.</summary>
    public TimeSpan ModelRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each backend (ComfyUI, A1111) is probed; a failed probe takes it out of the free slots at
    /// once, and a backend that answers again is back within this interval. Default 2 s.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A health probe that takes longer than this counts as failed. Default 5 s.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the host must wait on stop for the drain to end: the grace, then the release calls.</summary>
    public TimeSpan ShutdownTimeout => DrainGrace + CallTimeout + TimeSpan.FromSeconds(5);

    /// <summary>Problems with the values, each naming its key; empty when all is well.</summary>
    public IEnumerable<string> Validate()
    {
        if (Server is null) yield return "Worker:Server is required: the RenderQueue server's URL, e.g. --server http://queue-host:8000.";
        else if (!Server.IsAbsoluteUri || Server.Scheme is not ("http" or "https")) yield return $"Worker:Server must be an absolute http(s) URL; it is '{Server}'.";
        if (ApiKey is { } apiKey && (apiKey.Length == 0 || apiKey.Any(char.IsWhiteSpace))) yield return "Worker:ApiKey must be the key as created (rq_…), without spaces.";
        if (Concurrency is < 1 or > 64) yield return $"Worker:Concurrency must be between 1 and 64; it is {Concurrency}.";
        if (LeaseWait < TimeSpan.Zero || LeaseWait > TimeSpan.FromSeconds(30)) yield return $"Worker:LeaseWait must be between 0 and 30 s; it is {LeaseWait}.";
        if (StallTimeout < TimeSpan.Zero) yield return "Worker:StallTimeout cannot be negative (0 turns it off).";
        if (DrainGrace < TimeSpan.Zero) yield return "Worker:DrainGrace cannot be negative.";
        if (ProgressInterval < TimeSpan.Zero) yield return "Worker:ProgressInterval cannot be negative.";
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay) yield return "Worker:RetryDelay must be positive and at most Worker:MaxRetryDelay.";
        if (CallTimeout <= TimeSpan.Zero) yield return "Worker:CallTimeout must be positive.";
        if (HealthInterval <= TimeSpan.Zero) yield return "Worker:HealthInterval must be positive.";
        if (HealthTimeout <= TimeSpan.Zero) yield return "Worker:HealthTimeout must be positive.";
        if (ModelRefreshInterval <= TimeSpan.Zero) yield return "Worker:ModelRefreshInterval must be positive.";
        foreach (var (key, names) in new[] { ("Types", Types), ("Labels", Labels), ("Queues", Queues) })
        {
            foreach (var name in names.Where(n => !Core.Api.SubmitValidation.IsName(n)))
                yield return $"Worker:{key} has '{name}': names are 1–64 letters, digits or _ . : = - (starting with a letter or digit).";
        }
        if (Id is not null && !Core.Api.SubmitValidation.IsName(Id)) yield return $"Worker:Id '{Id}' must be 1–64 letters, digits or _ . : = -.";
    }
}
