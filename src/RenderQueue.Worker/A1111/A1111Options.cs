namespace RenderQueue.Worker.A1111;

/// <summary>
/// The AUTOMATIC1111 instances this worker drives (configuration section <c>Worker:A1111</c>). A1111's progress and
/// interrupt are global to the instance, so each instance must belong to this worker alone.
/// </summary>
public sealed class A1111Options
{
    /// <summary>Base URLs of instances started with <c>--api</c>, e.g. <c>http://127.0.0.1:7860</c>. Default: none.</summary>
    public List<Uri> Urls { get; set; } = [];

    /// <summary>
    /// The GPU (<c>nvidia-smi</c> index) each instance runs on, one per URL in the same order, e.g. <c>[0, 1]</c>.
    /// Default: the n-th URL runs on GPU n when the machine has that GPU (no GPU otherwise).
    /// </summary>
    public List<int> Gpus { get; set; } = [];

    /// <summary>
    /// How long one generation request may take. A1111 answers only when the images are done, so this is long
    /// (HttpClient's default of 100 s would cut real renders). Default 6 h.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How often <c>/sdapi/v1/progress</c> is read while a request runs. Default 1 s.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After <c>/sdapi/v1/interrupt</c>, how long to wait for A1111 to return the interrupted request. Default 30 s.</summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>user:password</c> when A1111 runs with <c>--api-auth</c>. Default: none.</summary>
    public string? ApiAuth { get; set; }
}
