namespace RenderQueue.Client;

/// <summary>How <see cref="RenderQueueClient"/> reaches the server when it creates its own <see cref="HttpClient"/>.</summary>
public sealed record RenderQueueClientOptions
{
    /// <summary>The address the server uses when nothing else is configured.</summary>
    public static readonly Uri DefaultBaseAddress = new("http://localhost:8000/");

    /// <summary>The server, e.g. <c>http://gpu-hub:8000/</c>. Default <c>http://localhost:8000/</c>.</summary>
    public Uri BaseAddress { get; init; } = DefaultBaseAddress;

    /// <summary>
    /// An API key sent as <c>Authorization: Bearer &lt;key&gt;</c> on every request and on the events WebSocket;
    /// none by default.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// How long one request may take before it fails with a <see cref="TaskCanceledException"/> whose inner exception
    /// is a <see cref="TimeoutException"/>. Default 100 s: longer than the longest lease long-poll (30 s) and long
    /// enough for a batch submit of 1,000 jobs. Downloads are bounded by this too; use
    /// <see cref="Timeout.InfiniteTimeSpan"/> for very large artifacts on slow links.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How often <see cref="RenderQueueClient.WaitForCompletionAsync"/> reads the job when the events WebSocket cannot
    /// be used; while following events it reads the job anyway after five intervals of silence. Default 2 s.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (BaseAddress is null || !BaseAddress.IsAbsoluteUri || (BaseAddress.Scheme != Uri.UriSchemeHttp && BaseAddress.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"BaseAddress must be an absolute http or https URL; it is '{BaseAddress}'.", nameof(BaseAddress));
        if (ApiKey is { } key && (key.Length == 0 || key.Any(char.IsWhiteSpace)))
            throw new ArgumentException("ApiKey must be non-empty and contain no whitespace.", nameof(ApiKey));
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
            throw new ArgumentException("Timeout must be positive (or Timeout.InfiniteTimeSpan).", nameof(Timeout));
        if (PollInterval <= TimeSpan.Zero)
            throw new ArgumentException("PollInterval must be positive.", nameof(PollInterval));
    }
}
