namespace RenderQueue.Server.Configuration;

/// <summary>The events WebSocket (configuration section <c>Events</c>).</summary>
public sealed class EventOptions : IValidatedOptions
{
    public const string Section = "Events";

    /// <summary>Events buffered per socket; a client that falls this far behind is disconnected. Default 1,024.</summary>
    public int SendBufferSize { get; set; } = 1_024;

    /// <summary>How often the server pings an idle socket. Default 15 s.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A socket whose client does not answer a ping within this is dropped: a dead peer, or one that stalls the
    /// connection mid-frame, does not hold a WebSocket forever. Default 30 s.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate(string section) =>
        ValidatedOptions.Range($"{section}:SendBufferSize", SendBufferSize, 1, 1_000_000)
            .Concat(ValidatedOptions.Range($"{section}:KeepAliveInterval", KeepAliveInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)))
            .Concat(ValidatedOptions.Range($"{section}:KeepAliveTimeout", KeepAliveTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)));
}
