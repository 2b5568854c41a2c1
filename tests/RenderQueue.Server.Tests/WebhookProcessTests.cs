using System.Diagnostics;
using System.Net;
using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Webhooks;
using RenderQueue.Processes;

namespace RenderQueue.Server.Tests;

/// <summary>
/// The webhook outbox on the real built server: a receiver on 127.0.0.1 (allow-listed) fails five times, the server
/// is killed with SIGKILL in the middle of the retries and started again, and the webhook still arrives, with the
/// same webhook-id and a valid signature on every attempt.
/// </summary>
public sealed class WebhookProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new("renderqueue-webhook-process");

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, string> Settings => new()
    {
        ["RENDERQUEUE__Store__Sqlite__Path"] = Path.Combine(_folder.Path, "renderqueue.db"),
        ["RENDERQUEUE__Artifacts__Folder"] = Path.Combine(_folder.Path, "artifacts"),
        ["RENDERQUEUE__Webhooks__AllowedHosts__0"] = "127.0.0.1",
        ["RENDERQUEUE__Webhooks__RetryBaseDelay"] = "00:00:00.300",
        ["RENDERQUEUE__Webhooks__RetryMaxDelay"] = "00:00:01",
        ["RENDERQUEUE__Webhooks__RetryJitter"] = "0.2",
        ["RENDERQUEUE__Webhooks__Timeout"] = "00:00:10", // generous: a slow answer under load must not add an attempt
    };

    [Fact]
    public async Task A_receiver_failing_five_times_gets_the_webhook_across_a_kill_9_restart_with_one_id_and_valid_signatures()
    {
        await using var receiver = WebhookReceiver.FailingFirst(5);
        var clock = Stopwatch.StartNew();
        string jobId, secret;
        await using (var server = ServerProcess.Start(_folder.Path, Settings))
        {
            await server.WaitUntilReadyAsync();
            using var http = new HttpClient { BaseAddress = server.Address };
            var created = await (await http.PostJsonAsync("/api/v1/webhooks", $$"""{"url": "{{receiver.Url}}"}""")).ReadAsync<CreatedWebhook>();
            secret = created.Secret;
            var job = await http.SubmitAsync("""{"type": "simulated", "payload": {}}""");
            jobId = job.Id;
            await http.RegisterWorkerAsync("gpu-1");
            var leased = (await http.LeaseAsync("gpu-1")).Single();
            Assert.Equal(HttpStatusCode.OK, (await http.CompleteAsync(job.Id, leased.Attempt)).StatusCode);

            await receiver.WaitForAsync(2, TimeSpan.FromSeconds(20));
            await server.KillAsync(); // mid-schedule: SIGKILL, no shutdown code runs
        }
        var beforeRestart = receiver.Requests.Count;

        await using (var restarted = ServerProcess.Start(_folder.Path, Settings))
        {
            await restarted.WaitUntilReadyAsync();
            var received = await receiver.WaitForAsync(6, TimeSpan.FromSeconds(30));
            using var http = new HttpClient { BaseAddress = restarted.Address };
            var delivery = (await Http.EventuallyAsync(
                async () => (await (await http.GetAsync($"/api/v1/jobs/{jobId}/webhooks")).ReadAsync<ItemsResponse<WebhookDelivery>>()).Items,
                d => d.Single().State == WebhookDeliveryState.Delivered, "the delivery to be recorded as delivered")).Single();

            output.WriteLine($"webhook attempts to success: {received.Count} ({beforeRestart} before the kill), {clock.ElapsedMilliseconds} ms from subscribe to 2xx");
            Assert.Equal(6, received.Count);
            Assert.Single(received.Select(r => r.Id).Distinct());
            Assert.Single(received.Select(r => r.Text).Distinct());
            Assert.All(received, r => Assert.True(r.HasValidSignature(secret), $"attempt with timestamp {r.Timestamp} verifies"));
            Assert.Equal("job.succeeded", JsonDocument.Parse(received[0].Body).RootElement.GetProperty("type").GetString());
            Assert.Equal(received[0].Id, delivery.MessageId);
            Assert.Equal(200, delivery.Attempts[^1].StatusCode);
            Assert.InRange(delivery.Attempts.Count, 5, 6); // an attempt in flight at the kill is sent but never recorded
            for (var i = 1; i < received.Count; i++)
                Assert.True(received[i].At - received[i - 1].At >= TimeSpan.FromMilliseconds(200), "attempts are spaced by the backoff");
        }
    }
}
