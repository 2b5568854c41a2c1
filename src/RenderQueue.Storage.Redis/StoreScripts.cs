namespace RenderQueue.Storage.Redis;

/// <summary>Every script the store runs, one per operation (see <c>Scripts/*.lua</c>).</summary>
internal static class StoreScripts
{
    public static readonly RedisScript Enqueue = RedisScript.Load("enqueue");
    public static readonly RedisScript Lease = RedisScript.Load("lease");
    public static readonly RedisScript Renew = RedisScript.Load("renew");
    public static readonly RedisScript AddArtifact = RedisScript.Load("add_artifact");
    public static readonly RedisScript CompleteMany = RedisScript.Load("complete_many");
    public static readonly RedisScript Fail = RedisScript.Load("fail");
    public static readonly RedisScript Release = RedisScript.Load("release");
    public static readonly RedisScript Cancel = RedisScript.Load("cancel");
    public static readonly RedisScript Retry = RedisScript.Load("retry");
    public static readonly RedisScript Flag = RedisScript.Load("flag");
    public static readonly RedisScript SetPriority = RedisScript.Load("set_priority");
    public static readonly RedisScript Collect = RedisScript.Load("collect");
    public static readonly RedisScript Promote = RedisScript.Load("promote");
    public static readonly RedisScript Reap = RedisScript.Load("reap");
    public static readonly RedisScript Purge = RedisScript.Load("purge");
    public static readonly RedisScript Trim = RedisScript.Load("trim");
    public static readonly RedisScript Get = RedisScript.Load("get");
    public static readonly RedisScript List = RedisScript.Load("list");
    public static readonly RedisScript Position = RedisScript.Load("position");
    public static readonly RedisScript Stats = RedisScript.Load("stats");
    public static readonly RedisScript Activity = RedisScript.Load("activity");
    public static readonly RedisScript Events = RedisScript.Load("events");
    public static readonly RedisScript Pause = RedisScript.Load("pause");
    public static readonly RedisScript RegisterWorker = RedisScript.Load("register_worker");
    public static readonly RedisScript Heartbeat = RedisScript.Load("heartbeat");
    public static readonly RedisScript Drain = RedisScript.Load("drain");
    public static readonly RedisScript Workers = RedisScript.Load("workers");
    public static readonly RedisScript KeyCreate = RedisScript.Load("key_create");
    public static readonly RedisScript KeyGet = RedisScript.Load("key_get");
    public static readonly RedisScript KeyList = RedisScript.Load("key_list");
    public static readonly RedisScript KeyRevoke = RedisScript.Load("key_revoke");
    public static readonly RedisScript WebhookSubscribe = RedisScript.Load("webhook_subscribe");
    public static readonly RedisScript WebhookSubscription = RedisScript.Load("webhook_subscription");
    public static readonly RedisScript WebhookSubscriptions = RedisScript.Load("webhook_subscriptions");
    public static readonly RedisScript WebhookUnsubscribe = RedisScript.Load("webhook_unsubscribe");
    public static readonly RedisScript WebhookDisable = RedisScript.Load("webhook_disable");
    public static readonly RedisScript WebhookClaim = RedisScript.Load("webhook_claim");
    public static readonly RedisScript WebhookRecord = RedisScript.Load("webhook_record");
    public static readonly RedisScript WebhookJob = RedisScript.Load("webhook_job");
}
