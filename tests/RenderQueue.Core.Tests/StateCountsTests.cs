using System.Text.Json;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;
using RenderQueue.Core.Storage;

namespace RenderQueue.Core.Tests;

public sealed class StateCountsTests
{
    private static readonly JobState Extra = (JobState)42;

    [Fact]
    public void Counts_keep_the_wire_shape_of_one_member_per_state_and_a_total()
    {
        var counts = new StateCounts(new Dictionary<JobState, long> { [JobState.Queued] = 2, [JobState.Failed] = 1 });

        Assert.Equal(
            """{"scheduled":0,"queued":2,"running":0,"succeeded":0,"failed":1,"canceled":0,"total":3}""",
            JsonSerializer.Serialize(counts, RenderQueueJson.Options));
    }

    [Fact]
    public void A_state_without_an_enum_member_is_counted_serialized_and_read_back()
    {
        var counts = new StateCounts(new Dictionary<JobState, long> { [Extra] = 4 }).Plus(
            new StateCounts(new Dictionary<JobState, long> { [Extra] = 1, [JobState.Running] = 2 }));

        var read = JsonSerializer.Deserialize<StateCounts>(JsonSerializer.Serialize(counts, RenderQueueJson.Options), RenderQueueJson.Options)!;

        Assert.Equal((5, 2, 7), (read.Of(Extra), read.Running, read.Total));
    }

    [Fact]
    public void Counts_from_a_newer_server_skip_the_states_this_build_does_not_know()
    {
        var read = JsonSerializer.Deserialize<StateCounts>("""{"queued":1,"flagged":3,"total":4}""", RenderQueueJson.Options)!;

        Assert.Equal((1, 1), (read.Queued, read.Total));
    }

    [Fact]
    public void A_job_in_a_state_without_an_enum_member_round_trips_through_json()
    {
        var json = JsonSerializer.Serialize(Extra, RenderQueueJson.Compact);

        Assert.Equal("\"state_42\"", json);
        Assert.Equal(Extra, JsonSerializer.Deserialize<JobState>(json, RenderQueueJson.Compact));
    }
}
