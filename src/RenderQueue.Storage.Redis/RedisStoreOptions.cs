using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Redis;

/// <summary>Settings of the Redis store (configuration section <c>Store:Redis…</c>).</summary>
public sealed class RedisStoreOptions
{
    /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis-1:6379,password=…</c>. Default <c>localhost:6379</c>.</summary>
    public string Configuration { get; set; } = "localhost:6379";

    /// <summary>
    /// Prefix of every key and of the signal channel, so several stores can share one Redis. Default <c>rq</c>.
    /// Braces are not allowed: they would change the hash tags that keep a queue's keys in one Cluster slot.
    /// </summary>
    public string KeyPrefix { get; set; } = "rq";

    /// <summary>Change-feed events kept at most (trimmed approximately on every append). Default 1,000,000.</summary>
    public long EventStreamMaxLength { get; set; } = 1_000_000;

    /// <summary>How long one command may wait for its reply before it fails. Default 5 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Behaviour shared by every store.</summary>
    public JobStoreOptions Store { get; set; } = new();

    /// <summary>Throws when a setting cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Configuration))
            throw new ArgumentException("Store:Redis needs a configuration string such as 'localhost:6379'.", nameof(Configuration));
        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0 || KeyPrefix.Any(char.IsWhiteSpace))
            throw new ArgumentException($"The Redis key prefix '{KeyPrefix}' must be non-empty, without braces or spaces.", nameof(KeyPrefix));
        if (EventStreamMaxLength < 1000)
            throw new ArgumentException("EventStreamMaxLength must be at least 1,000.", nameof(EventStreamMaxLength));
        if (CommandTimeout <= TimeSpan.Zero)
            throw new ArgumentException("CommandTimeout must be positive.", nameof(CommandTimeout));
    }
}
