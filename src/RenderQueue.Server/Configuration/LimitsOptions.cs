namespace RenderQueue.Server.Configuration;

/// <summary>Request size limits (configuration section <c>Limits</c>).</summary>
public sealed class LimitsOptions : IValidatedOptions
{
    public const string Section = "Limits";

    /// <summary>Largest JSON request body; larger ones get 413. Default 10 MiB.</summary>
    public long MaxJsonBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest artifact upload; larger ones get 413. Default 1 GiB.</summary>
    public long MaxArtifactBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Most jobs in one batch submit. Default 1,000.</summary>
    public int MaxBatchSize { get; set; } = 1_000;

    /// <summary>
    /// Longest string anywhere in a JSON body (as sent, in bytes), payloads and metadata included; longer ones get
    /// 400. Default 4 MiB, room for a base64 image in an img2img payload.
    /// </summary>
    public int MaxJsonStringBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a client may take to send a request's headers (Kestrel). Default 10 s.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle keep-alive connection stays open (Kestrel). Default 60 s.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A body arriving slower than this (bytes per second, after a 5 s grace) is cut off (Kestrel). Default 240.</summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Open connections at most; more are closed at once (Kestrel). Default 10,000.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Events WebSockets open at most (Kestrel's upgraded connections). Default 1,000.</summary>
    public int MaxWebSocketConnections { get; set; } = 1_000;

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:MaxJsonBodyBytes", MaxJsonBodyBytes, 1024, 1L << 30)
            .Concat(ValidatedOptions.Range($"{section}:MaxArtifactBytes", MaxArtifactBytes, 1024, 1L << 40))
            .Concat(ValidatedOptions.Range($"{section}:MaxBatchSize", MaxBatchSize, 1, 100_000))
            .Concat(ValidatedOptions.Range($"{section}:MaxJsonStringBytes", MaxJsonStringBytes, 256, int.MaxValue))
            .Concat(ValidatedOptions.Range($"{section}:RequestHeadersTimeout", RequestHeadersTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)))
            .Concat(ValidatedOptions.Range($"{section}:KeepAliveTimeout", KeepAliveTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)))
            .Concat(ValidatedOptions.Range($"{section}:MinRequestBodyBytesPerSecond", MinRequestBodyBytesPerSecond, 1, 1_000_000_000))
            .Concat(ValidatedOptions.Range($"{section}:MaxConnections", MaxConnections, 1, 10_000_000))
            .Concat(ValidatedOptions.Range($"{section}:MaxWebSocketConnections", MaxWebSocketConnections, 1, 10_000_000));
}
