using System.Text.Json;
using RenderQueue.Core.Jobs;
using Xunit;

namespace RenderQueue.Storage.Contract;

public abstract partial class JobStoreContract<TFixture>
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private const string TraceState = "vendor=opaque,other=1";

    private NewJob TracedJob() => NewJob() with { TraceParent = TraceParent, TraceState = TraceState };

    [Fact]
    public async Task Trace_context_is_stored_with_the_job_and_survives_a_restart()
    {
        var submitted = await Submit(TracedJob());
        var untraced = await Submit(NewJob());

        Reopen();

        var stored = await Reload(submitted.Id);
        Assert.Equal((TraceParent, TraceState), (submitted.TraceParent, submitted.TraceState));
        Assert.Equal((TraceParent, TraceState), (stored.TraceParent, stored.TraceState));
        Assert.Equal((null, null), ((await Reload(untraced.Id)).TraceParent, (await Reload(untraced.Id)).TraceState));
    }

    [Fact]
    public async Task Trace_context_goes_with_the_lease_and_stays_through_completion()
    {
        var leased = await SubmitAndLease(TracedJob());
        var completed = await Store.CompleteAsync(leased.LeaseToken, null, None);

        Assert.Equal((TraceParent, TraceState), (leased.TraceParent, leased.TraceState));
        Assert.Equal((TraceParent, TraceState), (completed.TraceParent, completed.TraceState));
    }

    [Fact]
    public async Task Trace_context_is_copied_into_the_webhook_outbox()
    {
        var leased = await SubmitAndLease(TracedJob() with { Webhook = "https://example.com/hook" });
        await Store.CompleteAsync(leased.LeaseToken, JsonDocument.Parse("""{"seed": 1}""").RootElement, None);
        var untraced = await SubmitAndLease(NewJob() with { Webhook = "https://example.com/hook" });
        await Store.CompleteAsync(untraced.LeaseToken, null, None);

        var listed = (await Store.ListJobWebhookDeliveriesAsync(leased.Id, None)).Single();
        var claimed = (await Store.ClaimWebhookDeliveriesAsync(10, TimeSpan.FromSeconds(30), None)).ToDictionary(d => d.JobId);

        Assert.Equal((TraceParent, TraceState), (listed.TraceParent, listed.TraceState));
        Assert.Equal((TraceParent, TraceState), (claimed[leased.Id].TraceParent, claimed[leased.Id].TraceState));
        Assert.Equal((null, null), (claimed[untraced.Id].TraceParent, claimed[untraced.Id].TraceState));
    }
}
