using Microsoft.Extensions.Time.Testing;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Tests;

public sealed class JobIdTests
{
    [Fact]
    public void Ids_are_26_url_safe_characters_and_sort_by_creation_time()
    {
        var time = new FakeTimeProvider();
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add(JobId.New(time));
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.All(ids, id => Assert.True(JobId.IsValid(id), id));
        Assert.All(ids, id => Assert.Equal(id, Uri.EscapeDataString(id)));
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(50, ids.Distinct().Count());
    }

    [Fact]
    public void Ids_made_in_the_same_millisecond_differ()
    {
        var time = new FakeTimeProvider();
        var ids = Enumerable.Range(0, 1000).Select(_ => JobId.New(time)).ToList();

        Assert.Equal(1000, ids.Distinct().Count());
        Assert.Single(ids.Select(id => id[..10]).Distinct());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("01JD3R1Q6M8X0B4K7C2W9F5T3N")]
    [InlineData("81jd3r1q6m8x0b4k7c2w9f5t3n")]
    [InlineData("01jd3r1q6m8x0b4k7c2w9f5t3")]
    public void Junk_is_not_a_job_id(string? text) => Assert.False(JobId.IsValid(text));
}
