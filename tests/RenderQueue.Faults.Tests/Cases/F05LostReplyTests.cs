using RenderQueue.Client;
using RenderQueue.Faults.Tests.Harness;

namespace RenderQueue.Faults.Tests.Cases;

/// <summary>F5: the server commits a submit but its answer never reaches the client, which resends with the same idempotency key.</summary>
public sealed class F05LostReplyTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Redis)]
    public async Task F5_a_submit_whose_reply_was_lost_retried_with_the_same_idempotency_key_makes_exactly_one_job(StoreKind store)
    {
        var rounds = Scale.Pick(20, 500);
        await using var bed = await FaultBed.StartAsync(store);
        await using var proxy = new FaultProxy(bed.Address);
        var client = bed.NewClient(proxy.Address, TimeSpan.FromSeconds(30));
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        var answered = new Dictionary<string, string>(StringComparer.Ordinal);

        for (var i = 0; i < rounds; i++)
        {
            var key = $"f5-{i:000}";
            proxy.DropReplies();
            var lost = await Record.ExceptionAsync(() => client.SubmitAsync(Jobs.Simulated(1, idempotencyKey: key), key));
            Assert.NotNull(lost); // the answer was thrown away
            Assert.IsNotType<RenderQueueApiException>(lost);
            failures[lost.GetType().Name] = failures.GetValueOrDefault(lost.GetType().Name) + 1;
            proxy.Restore();
            answered[key] = (await client.SubmitAsync(Jobs.Simulated(1, idempotencyKey: key), key)).Id;
        }

        var jobs = (await bed.JobsAsync()).Values.ToList();
        var perKey = jobs.GroupBy(j => j.IdempotencyKey ?? "", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var figures = new Figures("F5", store, output);
        output.WriteLine("what the client saw when the answer was lost: " + string.Join(", ", failures.Select(f => $"{f.Key} × {f.Value}")));
        figures.Add("submits whose reply was lost, then resent", rounds);
        figures.Add("replies dropped by the proxy", proxy.Dropped);
        figures.Add("jobs stored", jobs.Count, bound: $"= {rounds}");
        figures.Add("keys with more than one job", perKey.Count(k => k.Value.Count > 1), bound: "0");
        figures.Save();
        Assert.Equal(rounds, proxy.Dropped);
        Assert.Equal(rounds, jobs.Count);
        Assert.All(answered, a => Assert.Equal(a.Value, Assert.Single(perKey[a.Key]).Id));
    }
}
