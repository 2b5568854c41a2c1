namespace RenderQueue.Core.Storage;

/// <summary>
/// A queue's settings, kept in the store so that every server node applies the same ones. This is the one record of
/// per-queue settings; <c>PATCH /api/v1/queues/{name}</c> changes it and <see cref="QueueInfo"/> shows it.
/// </summary>
/// <param name="Weight">The queue's share of leases against other queues with ready jobs at the same priority
/// (1–1000): weights 3 and 1 lease three jobs of the first for each of the second.</param>
/// <param name="MaxRunning">At most this many of the queue's jobs run at once; null for no cap.</param>
public sealed record QueueSettings(int Weight = QueueSettings.DefaultWeight, int? MaxRunning = null)
{
    public const int DefaultWeight = 1;
    public const int MinWeight = 1;
    public const int MaxWeight = 1000;
    public const int MaxRunningLimit = 1_000_000;

    /// <summary>What a queue nobody configured has: weight 1, no cap.</summary>
    public static QueueSettings Default { get; } = new();

    public static string WeightRule { get; } =
        $"weight is a whole number from {MinWeight} to {MaxWeight}: the queue's share of leases against other queues at the same priority (default {DefaultWeight}).";

    public static string MaxRunningRule { get; } =
        $"max_running is a whole number from 1 to {MaxRunningLimit:N0} (at most that many of the queue's jobs run at once), or null for no cap; pause the queue to run none.";
}

/// <summary>A change to some of a queue's settings; what it leaves unset stays as it is.</summary>
public sealed record QueueSettingsChange
{
    /// <summary>The new weight, or null to keep the current one.</summary>
    public int? Weight { get; init; }

    /// <summary>Whether the change sets <see cref="MaxRunning"/> (null then removes the cap).</summary>
    public bool SetsMaxRunning { get; init; }

    /// <summary>The new cap when <see cref="SetsMaxRunning"/>; null for no cap.</summary>
    public int? MaxRunning { get; init; }

    /// <summary>True when the change sets nothing.</summary>
    public bool IsEmpty => Weight is null && !SetsMaxRunning;

    /// <summary>Field errors keyed by snake_case field name; empty when the values are in range.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Weight is < QueueSettings.MinWeight or > QueueSettings.MaxWeight) errors["weight"] = [QueueSettings.WeightRule];
        if (SetsMaxRunning && MaxRunning is < 1 or > QueueSettings.MaxRunningLimit) errors["max_running"] = [QueueSettings.MaxRunningRule];
        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range (stores check before writing).</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors.Values.SelectMany(e => e)), nameof(QueueSettingsChange));
    }

    /// <summary><paramref name="current"/> with this change applied.</summary>
    public QueueSettings ApplyTo(QueueSettings current) =>
        new(Weight ?? current.Weight, SetsMaxRunning ? MaxRunning : current.MaxRunning);
}
