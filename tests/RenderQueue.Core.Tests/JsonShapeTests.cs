using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;
using RenderQueue.Core.Json;

namespace RenderQueue.Core.Tests;

public sealed class JsonShapeTests
{
    [Fact]
    public void Jobs_are_snake_case_with_enum_names_and_durations_in_seconds()
    {
        var job = new Job
        {
            Id = "01jd3r1q6m8x0b4k7c2w9f5t3n",
            Queue = "default",
            Type = "comfyui",
            Payload = JsonDocument.Parse("{}").RootElement,
            State = JobState.Running,
            Timeout = TimeSpan.FromMinutes(90),
            CancelRequested = true,
            Requirements = new JobRequirements(MinVramMb: 8000),
            Progress = new JobProgress(5, 20),
        };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(job, RenderQueueJson.Options));
        var root = json.RootElement;

        Assert.Equal("running", root.GetProperty("state").GetString());
        Assert.Equal(5400, root.GetProperty("timeout").GetDouble());
        Assert.True(root.GetProperty("cancel_requested").GetBoolean());
        Assert.Equal(8000, root.GetProperty("requirements").GetProperty("min_vram_mb").GetInt64());
        Assert.False(root.TryGetProperty("lease_token", out _));
        Assert.False(root.GetProperty("requirements").TryGetProperty("is_empty", out _));
        Assert.False(root.GetProperty("progress").TryGetProperty("fraction", out _));
    }

    [Fact]
    public void A_job_survives_a_round_trip()
    {
        var job = new Job
        {
            Id = "01jd3r1q6m8x0b4k7c2w9f5t3n",
            Queue = "q",
            Type = "simulated",
            Payload = JsonDocument.Parse("""{"seconds": 2}""").RootElement,
            Attempts = [new JobAttempt(1, "w", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(3), "failed", new JobError("oom", ErrorClasses.OutOfMemory))],
            Error = new JobError("oom", ErrorClasses.OutOfMemory),
        };

        var back = JsonSerializer.Deserialize<Job>(JsonSerializer.Serialize(job, RenderQueueJson.Options), RenderQueueJson.Options)!;

        Assert.Equal(job.Attempts.Single(), back.Attempts.Single());
        Assert.Equal(job.Error, back.Error);
        Assert.Equal(2, back.Payload.GetProperty("seconds").GetInt32());
    }

    [Theory]
    [InlineData("""{"type": "simulated", "payload": {}, "priorty": 5}""")]
    [InlineData("""{"type": "simulated", "payload": {}, "priority": "high"}""")]
    [InlineData("""{"type": "simulated", "payload": {}, "timeout": "1h"}""")]
    [InlineData("""{"type": "simulated", "payload": {}, "timeout": -1}""")]
    public void Submits_with_unknown_fields_or_wrong_types_do_not_parse(string json) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<SubmitJobRequest>(json, RenderQueueJson.Options));

    [Fact]
    public void Enum_values_outside_the_names_do_not_parse() =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<JobState>("7", RenderQueueJson.Options));
}
