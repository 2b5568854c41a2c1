using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Redis;

/// <summary>Settings of the Redis store. The server reads <see cref="Configuration"/> from <c>Store:Redis</c> and the rest from <c>Store:RedisOptions</c>.</summary>
public sealed class RedisStoreOptions
{
    public static readonly TimeSpan MinLeaderLease = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxLeaderLease = TimeSpan.FromMinutes(10);

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

    /// <summary>
    /// How long the leader role (see <see cref="RedisLeaderElection"/>) lasts without a renewal. The leader renews
    /// every third of it and other nodes try to take the role as often, so when the leader dies another node leads
    /// within about 1⅓ of this, and a leader cut off from Redis stops leading a tenth of it before it runs out. Default 10 s.
    /// </summary>
    public TimeSpan LeaderLease { get; set; } = TimeSpan.FromSeconds(10);

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
        if (LeaderLease < MinLeaderLease || LeaderLease > MaxLeaderLease)
            throw new ArgumentException($"LeaderLease must be between {MinLeaderLease:c} and {MaxLeaderLease:c}; it is {LeaderLease:c}.", nameof(LeaderLease));
    }
}
