using RenderQueue.Core.Jobs;
using RenderQueue.Core.Storage;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    /// <summary>A state with no enum member yet: what the next state (<c>waiting</c>, <c>flagged</c>) will look like to a store.</summary>
    private const JobState Extra = (JobState)42;

    // A new state is an enum member plus its place in the sets; this proves a store needs nothing else. The job
    // keeps the finished_at of its cancel, so only set membership (not a number comparison) can keep it from retention.
    [Fact]
    public async Task A_state_added_to_the_sets_is_kept_listed_and_counted_as_unfinished()
    {
        await UseStates([.. JobStates.All, Extra]);
        var moved = await Submit(type: "extra-type", queue: "extra");
        await Store.CancelAsync(moved.Id, null, None);
        await Move(moved.Id, Extra);
        var canceled = await Submit(queue: "extra");
        await Store.CancelAsync(canceled.Id, null, None);
        Time.Advance(TimeSpan.FromDays(30));

        Assert.Equal([canceled.Id], await Store.PurgeFinishedAsync(Time.GetUtcNow(), 100, None));
        Assert.Equal(Extra, (await Reload(moved.Id)).State);

        Assert.Equal([moved.Id], await ListedIds(new JobQuery { States = [Extra] }));
        Assert.Equal([moved.Id], await ListedIds(new JobQuery { States = [Extra], Queue = "extra" }));
        Assert.Equal([moved.Id], await ListedIds(new JobQuery { States = [Extra], Type = "extra-type" }));
        Assert.Equal([moved.Id], await ListedIds(new JobQuery { Queue = "extra" }));
        Assert.Equal([moved.Id], await ListedIds(new JobQuery()));
        Assert.Empty(await ListedIds(new JobQuery { States = [.. JobStates.Finished] }));

        Reopen();
        var stats = await Store.GetStatsAsync(None);
        var queue = stats.Queues.Single(q => q.Name == "extra");
        Assert.Equal((1, 1, 1), (queue.Counts.Of(Extra), stats.Counts.Of(Extra), queue.Counts.Total));
        Assert.Equal(0, JobStates.Finished.Sum(queue.Counts.Of));
        Assert.Equal(new QueueTotals(Submitted: 2, Succeeded: 0, Failed: 0, Canceled: 2), queue.Totals);
    }

    private async Task<List<string>> ListedIds(JobQuery query) =>
        [.. (await Store.ListAsync(query, None)).Items.Select(job => job.Id)];
}
