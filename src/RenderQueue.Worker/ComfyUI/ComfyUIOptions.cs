namespace RenderQueue.Worker.ComfyUI;

/// <summary>The ComfyUI backends this worker drives (configuration section <c>Worker:ComfyUI</c>).</summary>
public sealed class ComfyUIOptions
{
    /// <summary>Base URLs, one per ComfyUI instance (typically one per GPU), e.g. <c>http://127.0.0.1:8188</c>. Default: none.</summary>
    public List<Uri> Urls { get; set; } = [];

    /// <summary>
    /// The GPU (<c>nvidia-smi</c> index) each instance runs on, one per URL in the same order, e.g. <c>[0, 1]</c>.
    /// Default: the n-th URL runs on GPU n when the machine has that GPU (no GPU otherwise).
    /// </summary>
    public List<int> Gpus { get; set; } = [];

    /// <summary>First wait before reconnecting a dropped WebSocket; doubles up to <see cref="MaxReconnectDelay"/>. Default 500 ms.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between reconnects. Default 10 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// WebSocket ping interval; ComfyUI never pings, so without this a half-open socket goes unnoticed. The socket
    /// is dropped (and reconnected) when a pong does not come back within the same time. Default 15 s.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// After the socket drops mid-job, how long to wait for ComfyUI to answer again before the job counts as
    /// <c>lost</c>. Default 60 s.
    /// </summary>
    public TimeSpan LostTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often <c>/history</c> and <c>/queue</c> are polled for a prompt whose events can no longer arrive (after a reconnect). Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After an interrupt, how long to wait for ComfyUI to confirm the prompt stopped. Default 10 s.</summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one HTTP call (submit, upload, download). Default 5 min.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Also upload <c>temp</c> outputs (PreviewImage nodes) as artifacts, not only saved outputs. Default false.</summary>
    public bool IncludeTempOutputs { get; set; }

    /// <summary>The largest WebSocket message accepted. Default 64 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024 * 1024;
}
