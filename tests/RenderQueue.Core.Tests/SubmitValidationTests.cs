using System.Text.Json;
using RenderQueue.Core.Api;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Core.Tests;

public sealed class SubmitValidationTests
{
    private static readonly JsonElement Payload = JsonDocument.Parse("{}").RootElement;

    [Fact]
    public void Type_and_payload_are_all_a_submit_needs()
    {
        var request = new SubmitJobRequest { Type = "comfyui", Payload = Payload };

        Assert.Empty(SubmitValidation.Validate(request));
        var job = SubmitValidation.ToNewJob(request, "id", idempotencyKey: "from-header");
        Assert.Equal(("default", 0, 3, "from-header"), (job.Queue, job.Priority, job.MaxAttempts, job.IdempotencyKey));
    }

    [Fact]
    public void Every_bad_field_is_named()
    {
        var request = new SubmitJobRequest
        {
            Type = "bad type!",
            Queue = "../etc",
            Priority = 2_000_000,
            MaxAttempts = 0,
            Timeout = TimeSpan.Zero,
            IdempotencyKey = new string('k', 201),
            Webhook = "file:///etc/passwd",
            Metadata = JsonDocument.Parse("[1]").RootElement,
            Requirements = new JobRequirements(["ok", "not ok"], MinVramMb: -1),
        };

        var errors = SubmitValidation.Validate(request, prefix: "jobs[3].");

        Assert.Equal(
            new[] { "type", "payload", "queue", "priority", "max_attempts", "timeout", "idempotency_key", "webhook", "metadata", "requirements.labels", "requirements.min_vram_mb" }
                .Select(f => "jobs[3]." + f).Order(),
            errors.Keys.Order());
    }

    [Theory]
    [InlineData("out.png", true)]
    [InlineData("ComfyUI_00001_.png", true)]
    [InlineData("render (1).webp", true)]
    [InlineData("日本語.png", true)]
    [InlineData("..", false)]
    [InlineData("../x.png", false)]
    [InlineData("a/b.png", false)]
    [InlineData("a\\b.png", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("x\0.png", false)]
    [InlineData(".hidden", false)]
    [InlineData("x\u202e.png", false)]
    [InlineData("", false)]
    public void Artifact_names_are_single_safe_path_segments(string name, bool valid) =>
        Assert.Equal(valid, ArtifactNames.IsValid(name));
}
