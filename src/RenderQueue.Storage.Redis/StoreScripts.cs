using System.Text;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// Every script the store runs, one per operation (see <c>Scripts/*.lua</c>), each after the state sets as Lua tables
/// (<see cref="StatePrelude"/>): scripts say <c>FINISHED[state]</c>, never a list of names.
/// </summary>
internal sealed class StoreScripts(string prelude)
{
    /// <summary>The state sets' Lua, which comes before every script.</summary>
    public string Prelude { get; } = prelude;

    private static readonly StoreScripts DefaultScripts = new(StatePrelude(JobStates.All));

    /// <summary>The scripts for a store keeping <paramref name="states"/>; stores keeping the usual ones share one copy.</summary>
    public static StoreScripts For(IReadOnlyList<JobState> states) => states.SequenceEqual(JobStates.All) ? DefaultScripts : new(StatePrelude(states));

    /// <summary><c>STATES</c> (every state the store keeps, for listing) and one lookup table per named set of <see cref="JobStates"/>.</summary>
    public static string StatePrelude(IReadOnlyList<JobState> states)
    {
        static string Names(IEnumerable<JobState> set) => string.Join(", ", set.Select(s => $"'{s.ToWire()}'"));
        static string Set(IEnumerable<JobState> set) => string.Join(", ", set.Select(s => $"['{s.ToWire()}'] = true"));
        return new StringBuilder()
            .AppendLine("-- The state sets of JobStates, written by StoreScripts.StatePrelude.")
            .AppendLine($"local STATES = {{ {Names(states)} }}")
            .AppendLine($"local FINISHED = {{ {Set(JobStates.Finished)} }}")
            .AppendLine($"local PENDING = {{ {Set(JobStates.Pending)} }}")
            .AppendLine($"local RETRYABLE = {{ {Set(JobStates.Retryable)} }}")
            .ToString();
    }

    public readonly RedisScript Enqueue = RedisScript.Load("enqueue", prelude);
    public readonly RedisScript Lease = RedisScript.Load("lease", prelude, "fair_share");
    public readonly RedisScript Renew = RedisScript.Load("renew", prelude);
    public readonly RedisScript AddArtifact = RedisScript.Load("add_artifact", prelude);
    public readonly RedisScript CompleteMany = RedisScript.Load("complete_many", prelude);
    public readonly RedisScript Fail = RedisScript.Load("fail", prelude);
    public readonly RedisScript Release = RedisScript.Load("release", prelude);
    public readonly RedisScript Cancel = RedisScript.Load("cancel", prelude);
    public readonly RedisScript Retry = RedisScript.Load("retry", prelude);
    public readonly RedisScript Flag = RedisScript.Load("flag", prelude);
    public readonly RedisScript SetPriority = RedisScript.Load("set_priority", prelude);
    public readonly RedisScript Collect = RedisScript.Load("collect", prelude);
    public readonly RedisScript Promote = RedisScript.Load("promote", prelude);
    public readonly RedisScript Reap = RedisScript.Load("reap", prelude);
    public readonly RedisScript Purge = RedisScript.Load("purge", prelude);
    public readonly RedisScript Trim = RedisScript.Load("trim", prelude);
    public readonly RedisScript Get = RedisScript.Load("get", prelude);
    public readonly RedisScript List = RedisScript.Load("list", prelude);
    public readonly RedisScript Position = RedisScript.Load("position", prelude);
    public readonly RedisScript Stats = RedisScript.Load("stats", prelude);
    public readonly RedisScript Activity = RedisScript.Load("activity", prelude);
    public readonly RedisScript Events = RedisScript.Load("events", prelude);
    public readonly RedisScript Pause = RedisScript.Load("pause", prelude);
    public readonly RedisScript QueueSettings = RedisScript.Load("queue_settings", prelude);
    public readonly RedisScript RegisterWorker = RedisScript.Load("register_worker", prelude);
    public readonly RedisScript Heartbeat = RedisScript.Load("heartbeat", prelude);
    public readonly RedisScript Drain = RedisScript.Load("drain", prelude);
    public readonly RedisScript Workers = RedisScript.Load("workers", prelude);
    public readonly RedisScript KeyCreate = RedisScript.Load("key_create", prelude);
    public readonly RedisScript KeyGet = RedisScript.Load("key_get", prelude);
    public readonly RedisScript KeyList = RedisScript.Load("key_list", prelude);
    public readonly RedisScript KeyRevoke = RedisScript.Load("key_revoke", prelude);
    public readonly RedisScript WebhookSubscribe = RedisScript.Load("webhook_subscribe", prelude);
    public readonly RedisScript WebhookSubscription = RedisScript.Load("webhook_subscription", prelude);
    public readonly RedisScript WebhookSubscriptions = RedisScript.Load("webhook_subscriptions", prelude);
    public readonly RedisScript WebhookUnsubscribe = RedisScript.Load("webhook_unsubscribe", prelude);
    public readonly RedisScript WebhookDisable = RedisScript.Load("webhook_disable", prelude);
    public readonly RedisScript WebhookClaim = RedisScript.Load("webhook_claim", prelude);
    public readonly RedisScript WebhookRecord = RedisScript.Load("webhook_record", prelude);
    public readonly RedisScript WebhookJob = RedisScript.Load("webhook_job", prelude);
}
