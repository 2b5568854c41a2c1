using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Keys;
using RenderQueue.Core.Storage;
using RenderQueue.Core.Webhooks;
using RenderQueue.Server.Webhooks;

namespace RenderQueue.Server.Tests;

/// <summary>
/// Webhooks end to end: the in-memory server on real time with short retries, POSTing to a real receiver on
/// 127.0.0.1 (allow-listed). The restart case runs on the real server process (<see cref="WebhookProcessTests"/>).
/// </summary>
public sealed class WebhookTests : IDisposable
{
    internal const string JobSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw/3hN4FLD4Qk=";

    private readonly RenderQueueApp _app = Fast(new RenderQueueApp(TimeProvider.System)).With("Webhooks:AllowedHosts:0", "127.0.0.1");

    public void Dispose() => _app.Dispose();

    internal static RenderQueueApp Fast(RenderQueueApp app) => app
        .With("Webhooks:RetryBaseDelay", "00:00:00.050")
        .With("Webhooks:RetryMaxDelay", "00:00:00.200")
        .With("Webhooks:PollInterval", "00:00:00.100")
        .With("Webhooks:Timeout", "00:00:10") // generous: a receiver slowed by a busy machine must not turn one attempt into two
        .With("Webhooks:JobSecret", JobSecret);

    private async Task<CreatedWebhook> SubscribeAsync(string url, string? queue = null, params string[] events)
    {
        var body = JsonSerializer.Serialize(new CreateWebhookRequest { Url = url, Queue = queue, Events = events.Length == 0 ? null : events }, RenderQueueJson.Options);
        var response = await _app.CreateClient().PostJsonAsync("/api/v1/webhooks", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadAsync<CreatedWebhook>();
    }

    private async Task<Job> RunToSuccessAsync(string submit)
    {
        var http = _app.CreateClient();
        var job = await http.SubmitAsync(submit);
        await http.RegisterWorkerAsync("gpu-1");
        var leased = (await http.LeaseAsync("gpu-1")).Single();
        Assert.Equal(job.Id, leased.Id);
        Assert.Equal(HttpStatusCode.OK, (await http.CompleteAsync(job.Id, leased.Attempt)).StatusCode);
        return job;
    }

    private async Task<List<WebhookDelivery>> DeliveriesAsync(string jobId, HttpClient? http = null) =>
        [.. (await (await (http ?? _app.CreateClient()).GetAsync($"/api/v1/jobs/{jobId}/webhooks")).ReadAsync<ItemsResponse<WebhookDelivery>>()).Items];

    [Fact]
    public async Task A_subscription_gets_each_ending_signed_in_the_standard_webhooks_format()
    {
        await using var receiver = new WebhookReceiver();
        var subscription = await SubscribeAsync(receiver.Url, queue: "renders");
        Assert.StartsWith("whsec_", subscription.Secret);

        var job = await RunToSuccessAsync("""{"type": "simulated", "payload": {}, "queue": "renders"}""");
        var received = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(10))).Single();

        var events = await _app.Services.GetRequiredService<IJobStore>().ReadEventsAsync(0, 1_000, CancellationToken.None);
        var succeeded = events.Single(e => e.JobId == job.Id && e.Type == JobEventTypes.Succeeded);
        Assert.Equal(("POST", "/hooks", "application/json; charset=utf-8"), (received.Method, received.Path, received.ContentType));
        Assert.Equal(WebhookEvents.MessageId(job.Id, succeeded.Sequence), received.Id);
        Assert.InRange(long.Parse(received.Timestamp, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(received.HasValidSignature(subscription.Secret), "the signature verifies with the subscription's secret");
        Assert.False(received.HasValidSignature(JobSecret));
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("job.succeeded", body.GetProperty("type").GetString());
        Assert.Equal(job.Id, body.GetProperty("data").GetProperty("job_id").GetString());
        Assert.True(body.GetProperty("data").GetProperty("result").GetProperty("ok").GetBoolean());

        var delivery = (await Http.EventuallyAsync(() => DeliveriesAsync(job.Id), d => d.Single().State == WebhookDeliveryState.Delivered, "the delivery to be recorded")).Single();
        Assert.Equal((subscription.Id, 204), (delivery.SubscriptionId, delivery.Attempts.Single().StatusCode));
    }

    [Fact]
    public async Task A_failing_receiver_gets_the_same_id_and_body_every_time_until_it_answers_2xx()
    {
        await using var receiver = WebhookReceiver.FailingFirst(3);
        var subscription = await SubscribeAsync(receiver.Url);

        var job = await RunToSuccessAsync("""{"type": "simulated", "payload": {}}""");
        var received = await receiver.WaitForAsync(4, TimeSpan.FromSeconds(10));

        Assert.Single(received.Select(r => r.Id).Distinct());
        Assert.Single(received.Select(r => r.Text).Distinct());
        Assert.All(received, r => Assert.True(r.HasValidSignature(subscription.Secret)));
        var delivery = (await Http.EventuallyAsync(() => DeliveriesAsync(job.Id), d => d.Single().State == WebhookDeliveryState.Delivered, "delivery")).Single();
        Assert.Equal([500, 500, 500, 200], delivery.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.All(delivery.Attempts.Take(3), a => Assert.Contains("500", a.Error));
        await Task.Delay(300);
        Assert.Equal(4, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_410_gone_disables_the_subscription()
    {
        await using var receiver = new WebhookReceiver((_, context) => { context.Response.StatusCode = 410; return Task.CompletedTask; });
        var subscription = await SubscribeAsync(receiver.Url);

        var first = await RunToSuccessAsync("""{"type": "simulated", "payload": {}}""");
        var delivery = (await Http.EventuallyAsync(() => DeliveriesAsync(first.Id), d => d.Single().State == WebhookDeliveryState.Failed, "the 410")).Single();
        var info = await (await _app.CreateClient().GetAsync($"/api/v1/webhooks/{subscription.Id}")).ReadAsync<WebhookInfo>();
        var second = await RunToSuccessAsync("""{"type": "simulated", "payload": {}}""");
        await Task.Delay(300);

        Assert.Contains("410", delivery.FailureReason);
        Assert.NotNull(info.DisabledAt);
        Assert.Contains("410 Gone", info.DisabledReason);
        Assert.Empty(await DeliveriesAsync(second.Id));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_redirect_is_a_failed_attempt_and_is_not_followed()
    {
        await using var target = new WebhookReceiver();
        await using var receiver = new WebhookReceiver((_, context) => { context.Response.Redirect(target.Url, permanent: false); return Task.CompletedTask; });
        await SubscribeAsync(receiver.Url);

        var job = await RunToSuccessAsync("""{"type": "simulated", "payload": {}}""");
        await receiver.WaitForAsync(2, TimeSpan.FromSeconds(10));

        var attempts = (await DeliveriesAsync(job.Id)).Single().Attempts;
        Assert.Equal(302, attempts[0].StatusCode);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_in_time_is_a_failed_attempt()
    {
        _app.With("Webhooks:Timeout", "00:00:01"); // before the server starts
        await using var receiver = new WebhookReceiver(async (n, context) =>
        {
            if (n == 1) await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            context.Response.StatusCode = 200;
        });
        await SubscribeAsync(receiver.Url);

        var job = await RunToSuccessAsync("""{"type": "simulated", "payload": {}}""");

        var delivery = (await Http.EventuallyAsync(() => DeliveriesAsync(job.Id), d => d.Single().State == WebhookDeliveryState.Delivered, "the retry")).Single();
        Assert.Null(delivery.Attempts[0].StatusCode);
        Assert.Contains("did not answer within 1 s", delivery.Attempts[0].Error);
        Assert.Equal(200, delivery.Attempts[1].StatusCode);
    }

    [Fact]
    public async Task A_jobs_own_webhook_is_signed_with_the_job_secret_and_its_attempts_are_shown_to_its_submitter()
    {
        await using var receiver = new WebhookReceiver();
        await SubscribeAsync(receiver.Url + "?subscription");
        var submitter = _app.ClientWithKey(await _app.CreateKeyAsync(ApiKeyRole.Submit));
        var job = await submitter.SubmitAsync($$"""{"type": "simulated", "payload": {}, "webhook": "{{receiver.Url}}?job"}""");
        var worker = _app.CreateClient();
        await worker.RegisterWorkerAsync("gpu-1");
        var leased = (await worker.LeaseAsync("gpu-1")).Single();
        await worker.PostJsonAsync($"/api/v1/leases/{job.Id}/fail", $$"""{"attempt": {{leased.Attempt}}, "error": {"message": "bad input", "class": "invalid_input"}, "retryable": false}""");

        var received = await receiver.WaitForAsync(2, TimeSpan.FromSeconds(10));

        var own = received.Single(r => r.Path.EndsWith("?job", StringComparison.Ordinal));
        Assert.True(own.HasValidSignature(JobSecret));
        Assert.Equal("job.failed", JsonDocument.Parse(own.Body).RootElement.GetProperty("type").GetString());
        await Http.EventuallyAsync(() => DeliveriesAsync(job.Id), d => d.Count == 2 && d.All(x => x.State == WebhookDeliveryState.Delivered), "both deliveries");
        var seenBySubmitter = await DeliveriesAsync(job.Id, submitter);
        Assert.Equal($"{receiver.Url}?job", seenBySubmitter.Single().Url);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("http://localhost:9/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://192.168.1.10/hook")]
    [InlineData("http://172.20.0.1/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://224.0.0.1/hook")]
    [InlineData("http://user:pass@example.com/hook")]
    [InlineData("ftp://example.com/hook")]
    public async Task Webhooks_to_internal_targets_are_refused_unless_allow_listed(string url)
    {
        using var app = Fast(new RenderQueueApp(TimeProvider.System));
        var http = app.CreateClient();

        var subscribe = await http.PostJsonAsync("/api/v1/webhooks", $$"""{"url": "{{url}}"}""");
        var submit = await http.PostJsonAsync("/api/v1/jobs", $$"""{"type": "simulated", "payload": {}, "webhook": "{{url}}"}""");

        Assert.Contains("url", (await subscribe.AssertProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("webhook", (await submit.AssertProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task An_allow_listed_loopback_receiver_is_accepted()
    {
        await using var receiver = new WebhookReceiver();
        var http = _app.CreateClient();

        Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync("/api/v1/webhooks", $$"""{"url": "{{receiver.Url}}"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.PostJsonAsync("/api/v1/jobs", $$"""{"type": "simulated", "payload": {}, "webhook": "{{receiver.Url}}"}""")).StatusCode);
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_when_used_is_refused_at_connect_time()
    {
        await using var receiver = new WebhookReceiver();
        var port = new Uri(receiver.Url).Port;
        // The name passes when it is given (names are not resolved then); DNS answers loopback when it is used.
        using var app = Fast(new RenderQueueApp(TimeProvider.System)).WithServices(services =>
            services.AddSingleton(new WebhookTargetGuard([], (_, _) => Task.FromResult(new[] { IPAddress.Loopback }))));
        var http = app.CreateClient();
        var created = await http.PostJsonAsync("/api/v1/webhooks", $$"""{"url": "http://rebind.example:{{port}}/hooks"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
        await http.PostJsonAsync($"/api/v1/jobs/{job.Id}/cancel", "{}");

        var delivery = (await Http.EventuallyAsync(async () => [.. (await (await http.GetAsync($"/api/v1/jobs/{job.Id}/webhooks")).ReadAsync<ItemsResponse<WebhookDelivery>>()).Items],
            (List<WebhookDelivery> d) => d.Single().State == WebhookDeliveryState.Failed, "the refusal")).Single();
        Assert.Contains("resolves to 127.0.0.1, a loopback address", delivery.FailureReason);
        Assert.Empty(receiver.Requests);
    }
}
