using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Webhooks;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    private static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(30);

    private Task<WebhookSubscription> Subscribe(string id, string? queue = null, params string[] events) =>
        Store.CreateWebhookSubscriptionAsync(new WebhookSubscription
        {
            Id = id,
            Url = $"https://hooks.example.com/{id}",
            Queue = queue,
            Events = events.Length == 0 ? WebhookEvents.Terminal : events,
            Secret = "whsec_" + Convert.ToBase64String(new byte[32]),
        }, None);

    private async Task<Job> SucceedJob(NewJob job)
    {
        var leased = await SubmitAndLease(job);
        return await Store.CompleteAsync(leased.LeaseToken, JsonDocument.Parse("""{"seed": 42}""").RootElement, None);
    }

    private async Task<List<WebhookDelivery>> Deliveries(string jobId) => [.. await Store.ListJobWebhookDeliveriesAsync(jobId, None)];

    [Fact]
    public async Task Finishing_a_job_writes_a_pending_delivery_to_its_own_webhook_in_the_same_commit()
    {
        var job = await SucceedJob(NewJob() with { Webhook = "https://example.com/hook?job=1" });

        var delivery = (await Deliveries(job.Id)).Single();
        var succeeded = (await EventsOf(job.Id)).Single(e => e.Type == JobEventTypes.Succeeded);

        Assert.Equal(WebhookEvents.MessageId(job.Id, succeeded.Sequence), delivery.MessageId);
        Assert.Equal("https://example.com/hook?job=1", delivery.Url);
        Assert.Null(delivery.SubscriptionId);
        Assert.Equal(succeeded, delivery.Event);
        Assert.Equal(42, delivery.Result!.Value.GetProperty("seed").GetInt32());
        Assert.Equal(WebhookDeliveryState.Pending, delivery.State);
        Assert.Equal(Time.GetUtcNow(), delivery.NextAttemptAt);
        Assert.Empty(delivery.Attempts);
        Assert.Equal(Time.GetUtcNow(), await Store.NextWebhookDueAsync(None));
    }

    [Fact]
    public async Task A_job_nobody_listens_to_writes_no_delivery()
    {
        await Subscribe("wh-other", queue: "other");
        var job = await SucceedJob(NewJob());

        Assert.Empty(await Deliveries(job.Id));
        Assert.Null(await Store.NextWebhookDueAsync(None));
    }

    [Fact]
    public async Task Subscriptions_hear_the_events_and_queues_they_name()
    {
        await Subscribe("wh-all");
        await Subscribe("wh-renders-failed", "renders", JobEventTypes.Failed);
        await Subscribe("wh-previews", "previews");

        var succeeded = await SucceedJob(NewJob(queue: "renders"));
        var failing = await SubmitAndLease(NewJob(queue: "renders") with { MaxAttempts = 1 });
        await Store.FailAsync(failing.LeaseToken, new JobFailure(new JobError("out of memory", ErrorClasses.OutOfMemory)), None);
        var canceled = await Store.CancelAsync((await Submit(queue: "renders")).Id, "not needed", None);

        Assert.Equal(["wh-all"], (await Deliveries(succeeded.Id)).Select(d => d.SubscriptionId));
        Assert.Equal(["wh-all", "wh-renders-failed"], (await Deliveries(failing.Id)).Select(d => d.SubscriptionId).Order());
        Assert.All(await Deliveries(failing.Id), d => Assert.Equal(JobEventTypes.Failed, d.Event.Type));
        var cancel = (await Deliveries(canceled.Id)).Single();
        Assert.Equal((JobEventTypes.Canceled, "wh-all", "not needed"), (cancel.Event.Type, cancel.SubscriptionId, cancel.Event.Reason));
        Assert.Equal("https://hooks.example.com/wh-all", cancel.Url);
    }

    [Fact]
    public async Task A_job_that_the_reaper_fails_is_delivered_too()
    {
        await Subscribe("wh");
        var job = await SubmitAndLease(NewJob() with { MaxAttempts = 1, Webhook = "https://example.com/hook" });
        Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await Store.ReapAsync(100, TimeSpan.Zero, None);

        var deliveries = await Deliveries(job.Id);
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal((JobEventTypes.Failed, ErrorClasses.Lost), (d.Event.Type, d.Event.Error!.Class)));
        Assert.Single(deliveries.Select(d => d.MessageId).Distinct());
    }

    [Fact]
    public async Task Disabled_and_deleted_subscriptions_hear_nothing_new()
    {
        await Subscribe("wh-gone");
        await Subscribe("wh-deleted");
        var disabled = await Store.DisableWebhookSubscriptionAsync("wh-gone", "410 Gone", None);
        Time.Advance(TimeSpan.FromSeconds(5));
        var again = await Store.DisableWebhookSubscriptionAsync("wh-gone", "later", None);
        Assert.True(await Store.DeleteWebhookSubscriptionAsync("wh-deleted", None));
        Assert.False(await Store.DeleteWebhookSubscriptionAsync("wh-deleted", None));

        var job = await SucceedJob(NewJob());

        Assert.Empty(await Deliveries(job.Id));
        Assert.Equal((disabled.DisabledAt, "410 Gone"), (again.DisabledAt, again.DisabledReason));
        Assert.Equal(["wh-gone"], (await Store.ListWebhookSubscriptionsAsync(None)).Select(s => s.Id));
        Assert.Null(await Store.GetWebhookSubscriptionAsync("wh-deleted", None));
        await Assert.ThrowsAsync<WebhookSubscriptionNotFoundException>(() => Store.DisableWebhookSubscriptionAsync("wh-deleted", "x", None));
    }

    [Fact]
    public async Task Subscriptions_are_stored_whole_and_listed_oldest_first()
    {
        var created = await Subscribe("wh-1", "renders", JobEventTypes.Succeeded, JobEventTypes.Progress);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Subscribe("wh-2");
        Reopen();

        var listed = await Store.ListWebhookSubscriptionsAsync(None);
        var found = (await Store.GetWebhookSubscriptionAsync("wh-1", None))!;

        Assert.Equal(["wh-1", "wh-2"], listed.Select(s => s.Id));
        Assert.Equal((created.Url, created.Queue, created.Secret, created.CreatedAt), (found.Url, found.Queue, found.Secret, found.CreatedAt));
        Assert.Equal([JobEventTypes.Succeeded, JobEventTypes.Progress], found.Events);
        Assert.Null(listed[1].Queue);
    }

    [Fact]
    public async Task Progress_is_delivered_only_to_subscriptions_that_ask_and_at_most_once_per_interval()
    {
        await Subscribe("wh-progress", null, JobEventTypes.Progress);
        var job = await SubmitAndLease(NewJob() with { Webhook = "https://example.com/hook" });
        foreach (var (step, after) in new[] { (1, 0), (2, 100), (3, 399), (4, 1), (5, 600) })
        {
            Time.Advance(TimeSpan.FromMilliseconds(after));
            await Store.RenewAsync(job.LeaseToken, new JobProgress(step, 10), LeaseDuration, None);
        }

        var deliveries = await Deliveries(job.Id);

        Assert.Equal([1.0, 4.0, 5.0], deliveries.Select(d => d.Event.Progress!.Value));
        Assert.All(deliveries, d => Assert.Equal(("wh-progress", JobEventTypes.Progress), (d.SubscriptionId, d.Event.Type)));
    }

    [Fact]
    public async Task A_claimed_delivery_is_not_claimed_again_until_its_claim_runs_out()
    {
        var job = await SucceedJob(NewJob() with { Webhook = "https://example.com/hook" });

        var claimed = (await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None)).Single();
        Assert.Empty(await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None));
        Time.Advance(ClaimFor);
        var again = (await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None)).Single();

        Assert.Equal(claimed.Id, again.Id);
        Assert.Equal(claimed.MessageId, again.MessageId);
        Assert.Equal(job.Id, again.JobId);
        Assert.Equal(Time.GetUtcNow() + ClaimFor, again.NextAttemptAt);
    }

    [Fact]
    public async Task Claims_take_the_oldest_due_first_and_no_more_than_asked()
    {
        var jobs = new List<Job>();
        for (var i = 0; i < 3; i++)
        {
            jobs.Add(await SucceedJob(NewJob() with { Webhook = $"https://example.com/{i}" }));
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await Store.ClaimWebhookDeliveriesAsync(2, ClaimFor, None);
        var rest = await Store.ClaimWebhookDeliveriesAsync(2, ClaimFor, None);

        Assert.Equal(jobs.Take(2).Select(j => j.Id), first.Select(d => d.JobId));
        Assert.Equal(jobs[2].Id, rest.Single().JobId);
    }

    [Fact]
    public async Task A_failed_attempt_schedules_the_retry_and_keeps_the_attempt()
    {
        var job = await SucceedJob(NewJob() with { Webhook = "https://example.com/hook" });
        var claimed = (await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None)).Single();
        var retryAt = Time.GetUtcNow() + TimeSpan.FromSeconds(5);

        var recorded = await Store.RecordWebhookAttemptAsync(claimed.Id,
            new WebhookAttempt(1, Time.GetUtcNow(), 500, "The endpoint answered 500.", TimeSpan.FromMilliseconds(12)), WebhookOutcome.Retry(retryAt), None);

        Assert.Equal((WebhookDeliveryState.Pending, retryAt), (recorded.State, recorded.NextAttemptAt));
        Assert.Equal(500, recorded.Attempts.Single().StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(12), recorded.Attempts.Single().Duration);
        Assert.Equal(retryAt, await Store.NextWebhookDueAsync(None));
        Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(job.Id, (await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None)).Single().JobId);
    }

    [Fact]
    public async Task A_delivered_or_failed_delivery_is_finished_and_never_claimed_again()
    {
        var delivered = await SucceedJob(NewJob() with { Webhook = "https://example.com/ok" });
        var failed = await SucceedJob(NewJob() with { Webhook = "https://example.com/gone" });
        var claimed = await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None);
        var now = Time.GetUtcNow();

        await Store.RecordWebhookAttemptAsync(claimed.Single(d => d.JobId == delivered.Id).Id,
            new WebhookAttempt(1, now, 500, "500", TimeSpan.Zero), WebhookOutcome.Retry(now), None);
        await Store.RecordWebhookAttemptAsync(claimed.Single(d => d.JobId == delivered.Id).Id,
            new WebhookAttempt(2, now, 204, null, TimeSpan.Zero), WebhookOutcome.Delivered, None);
        await Store.RecordWebhookAttemptAsync(claimed.Single(d => d.JobId == failed.Id).Id,
            new WebhookAttempt(1, now, 410, "410", TimeSpan.Zero), WebhookOutcome.Failed("The endpoint answered 410 Gone."), None);
        Time.Advance(ClaimFor * 2);

        Assert.Empty(await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None));
        Assert.Null(await Store.NextWebhookDueAsync(None));
        var ok = (await Deliveries(delivered.Id)).Single();
        Assert.Equal((WebhookDeliveryState.Delivered, now), (ok.State, ok.FinishedAt));
        Assert.Equal([(1, (int?)500), (2, 204)], ok.Attempts.Select(a => (a.Number, a.StatusCode)));
        Assert.Null(ok.NextAttemptAt);
        var gone = (await Deliveries(failed.Id)).Single();
        Assert.Equal((WebhookDeliveryState.Failed, "The endpoint answered 410 Gone."), (gone.State, gone.FailureReason));
    }

    [Fact]
    public async Task An_attempt_on_a_finished_delivery_is_recorded_without_changing_its_state()
    {
        var job = await SucceedJob(NewJob() with { Webhook = "https://example.com/hook" });
        var id = (await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None)).Single().Id;
        await Store.RecordWebhookAttemptAsync(id, new WebhookAttempt(1, Time.GetUtcNow(), 200, null, TimeSpan.Zero), WebhookOutcome.Delivered, None);

        var late = await Store.RecordWebhookAttemptAsync(id, new WebhookAttempt(2, Time.GetUtcNow(), 500, "500", TimeSpan.Zero),
            WebhookOutcome.Retry(Time.GetUtcNow()), None);
        var ended = await Store.RecordWebhookAttemptAsync(id, null, WebhookOutcome.Failed("too late"), None);

        Assert.Equal(WebhookDeliveryState.Delivered, late.State);
        Assert.Equal(2, late.Attempts.Count);
        Assert.Equal((WebhookDeliveryState.Delivered, null, 2), (ended.State, ended.FailureReason, ended.Attempts.Count));
        Assert.Equal(job.Id, ended.JobId);
        await Assert.ThrowsAsync<WebhookDeliveryNotFoundException>(() => Store.RecordWebhookAttemptAsync(id + 1000, null, WebhookOutcome.Delivered, None));
    }

    [Fact]
    public async Task Pending_deliveries_survive_a_restart_and_trimming_of_the_change_feed()
    {
        await Subscribe("wh");
        var job = await SucceedJob(NewJob());
        Time.Advance(TimeSpan.FromDays(30));
        await Store.TrimHistoryAsync(Time.GetUtcNow(), None);
        Reopen();

        Assert.Empty(await EventsOf(job.Id));
        var delivery = (await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None)).Single();
        Assert.Equal((job.Id, JobEventTypes.Succeeded, "wh"), (delivery.JobId, delivery.Event.Type, delivery.SubscriptionId));
        Assert.Equal(job.Queue, delivery.Event.Queue);
    }

    [Fact]
    public async Task Trimming_drops_deliveries_that_finished_before_the_horizon()
    {
        var old = await SucceedJob(NewJob() with { Webhook = "https://example.com/old" });
        var id = (await Store.ClaimWebhookDeliveriesAsync(10, ClaimFor, None)).Single().Id;
        await Store.RecordWebhookAttemptAsync(id, new WebhookAttempt(1, Time.GetUtcNow(), 200, null, TimeSpan.Zero), WebhookOutcome.Delivered, None);
        Time.Advance(TimeSpan.FromDays(2));
        var recent = await SucceedJob(NewJob() with { Webhook = "https://example.com/recent" });

        await Store.TrimHistoryAsync(Time.GetUtcNow() - TimeSpan.FromDays(1), None);

        Assert.Empty(await Deliveries(old.Id));
        Assert.Equal(WebhookDeliveryState.Pending, (await Deliveries(recent.Id)).Single().State);
    }
}
