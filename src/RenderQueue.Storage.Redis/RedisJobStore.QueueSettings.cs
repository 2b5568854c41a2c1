using System.Globalization;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Redis;

public sealed partial class RedisJobStore
{
    public async Task<QueueInfo> UpdateQueueSettingsAsync(string queue, QueueSettingsChange change, CancellationToken cancellationToken)
    {
        change.ThrowIfInvalid();
        var maxRunning = !change.SetsMaxRunning ? "" : change.MaxRunning is { } cap ? cap.ToString(CultureInfo.InvariantCulture) : "none";
        var reply = await RunAsync(_scripts.QueueSettings,
            [queue, change.Weight is { } weight ? weight : "", maxRunning], cancellationToken);
        return QueueHash.Read(queue, new RedisFields(reply.Value), _rules.States);
    }
}
