using RenderQueue.Core.Jobs;
using StackExchange.Redis;

namespace RenderQueue.Storage.Redis;

/// <summary>
/// What every script answers: a status, the last event sequence it appended (0 if none), the queues it
/// made ready, and its value. Refusals (<c>not_found</c>, <c>lease_conflict</c>, <c>state_conflict</c>)
/// are replies, not errors, and the script wrote nothing before them.
/// </summary>
internal sealed class ScriptReply
{
    private ScriptReply(string status, long lastEvent, string[] readyQueues, RedisResult value)
    {
        Status = status;
        LastEvent = lastEvent;
        ReadyQueues = readyQueues;
        Value = value;
    }

    public string Status { get; }
    public long LastEvent { get; }
    public string[] ReadyQueues { get; }
    public RedisResult Value { get; }

    public RedisResult[] Items => (RedisResult[])Value!;

    public bool IsNotFound => Status == "not_found";

    public static ScriptReply From(RedisResult result)
    {
        var parts = (RedisResult[])result!;
        return new ScriptReply(
            (string)parts[0]!,
            long.Parse((string)parts[1]!, System.Globalization.CultureInfo.InvariantCulture),
            ((RedisResult[])parts[2]!).Select(q => (string)q!).ToArray(),
            parts[3]);
    }

    /// <summary>Turns a refusal about <paramref name="jobId"/> into the store exception it stands for.</summary>
    public ScriptReply ThrowIfRefused(string jobId, LeaseToken? token = null, string operation = "change") =>
        Refusal(Status, Value, jobId, token, operation) is { } refusal ? throw refusal : this;

    /// <summary>
    /// The store exception a script's <paramref name="status"/> about <paramref name="jobId"/> stands for, with the
    /// refusal's details in <paramref name="value"/>; null for <c>ok</c>.
    /// </summary>
    public static JobStoreException? Refusal(string status, RedisResult value, string jobId, LeaseToken? token = null, string operation = "change")
    {
        switch (status)
        {
            case "ok":
                return null;
            case "not_found":
                return new JobNotFoundException(jobId);
            case "lease_conflict":
                var conflict = (RedisResult[])value!;
                return new LeaseConflictException(token ?? new LeaseToken(jobId, 0), JobStates.ParseStored((string?)conflict[0]), int.Parse((string)conflict[1]!, System.Globalization.CultureInfo.InvariantCulture));
            case "state_conflict":
                return new JobStateConflictException(jobId, JobStates.ParseStored((string?)((RedisResult[])value!)[0]), operation);
            default:
                throw new InvalidOperationException($"A Redis script answered the unknown status '{status}'.");
        }
    }
}
