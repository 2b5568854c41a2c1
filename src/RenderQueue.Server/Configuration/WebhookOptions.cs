using RenderQueue.Core.Jobs;
using RenderQueue.Server.Webhooks;

namespace RenderQueue.Server.Configuration;

/// <summary>Webhook delivery (configuration section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions : IValidatedOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// The secret that signs webhooks sent to jobs' own <c>webhook</c> URLs (subscriptions have their own):
    /// <c>whsec_</c> and base64 of at least 24 random bytes, the same on every node. Without it, a submit with a
    /// <c>webhook</c> is refused. None by default.
    /// </summary>
    public string? JobSecret { get; set; }

    /// <summary>
    /// Targets let through the guard that otherwise refuses loopback, private, link-local, unspecified and
    /// multicast addresses: host names (exact), addresses, or networks (<c>10.1.0.0/16</c>). Default: none.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>How long one attempt may take, connecting included. Default 15 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A delivery is retried until it is this old, then given up. Default 24 h.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The wait after the first failed attempt; it doubles per attempt. Default 5 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between attempts. Default 1 h.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Fraction (0–1) of each wait that is randomised, so endpoints that failed together are not retried together. Default 0.2.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>Deliveries in flight at once. Default 8.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>The dispatcher looks for due deliveries at least this often, besides being woken by new ones. Default 5 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The backoff between attempts.</summary>
    public RetryPolicy Retry => new() { BaseDelay = RetryBaseDelay, MaxDelay = RetryMaxDelay, Jitter = RetryJitter };

    /// <summary>A claim outlives the attempt it covers, so no other claim takes the delivery while it is sent.</summary>
    public TimeSpan ClaimDuration => Timeout * 2;

    public IEnumerable<string> Validate(string section)
    {
        if (JobSecret is not null && !WebhookSecret.TryDecode(JobSecret, out _))
            yield return $"{section}:JobSecret must be 'whsec_' and base64 of at least {WebhookSecret.MinBytes} random bytes (e.g. from the webhooks API or: echo whsec_$(head -c 32 /dev/urandom | base64)).";
        foreach (var host in AllowedHosts.Where(h => !WebhookTargetGuard.IsValidAllowedHost(h)))
            yield return $"{section}:AllowedHosts has '{host}', which is neither a host name, an IP address nor a network such as 10.0.0.0/8.";
        foreach (var problem in ValidatedOptions.Range($"{section}:Timeout", Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2))
            .Concat(ValidatedOptions.Range($"{section}:MaxAge", MaxAge, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)))
            .Concat(ValidatedOptions.Range($"{section}:RetryBaseDelay", RetryBaseDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)))
            .Concat(ValidatedOptions.Range($"{section}:RetryMaxDelay", RetryMaxDelay, RetryBaseDelay, TimeSpan.FromDays(1)))
            .Concat(ValidatedOptions.Range($"{section}:Concurrency", Concurrency, 1, 256))
            .Concat(ValidatedOptions.Range($"{section}:PollInterval", PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10))))
            yield return problem;
        if (RetryJitter is < 0 or > 1 || double.IsNaN(RetryJitter))
            yield return FormattableString.Invariant($"{section}:RetryJitter must be between 0 and 1; it is {RetryJitter}.");
    }
}
