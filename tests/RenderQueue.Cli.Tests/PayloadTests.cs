using System.Text.Json;
using System.Text.Json.Nodes;
using RenderQueue.Cli.Payloads;

namespace RenderQueue.Cli.Tests;

/// <summary>How files become jobs and how <c>--vary</c> finds and fills fields.</summary>
public sealed class PayloadTests
{
    private static JsonNode Json(string text) => JsonNode.Parse(text)!;

    [Fact]
    public void An_api_workflow_bare_or_wrapped_is_a_comfyui_job()
    {
        var bare = Json("""{"3": {"class_type": "KSampler", "inputs": {"seed": 1}}}""");
        Assert.Equal("comfyui", JobFile.ToRequest(bare, "a.json", null).Type);
        var wrapped = Json("""{"workflow": {"3": {"class_type": "KSampler", "inputs": {}}}, "inputs": []}""");
        Assert.Equal("comfyui", JobFile.ToRequest(wrapped, "a.json", null).Type);
        Assert.Equal("simulated", JobFile.ToRequest(bare, "a.json", "simulated").Type);
    }

    [Fact]
    public void A_submit_body_needs_a_payload_and_refuses_unknown_fields()
    {
        Assert.Contains("no payload", Assert.Throws<UsageException>(() => JobFile.ToRequest(Json("""{"type": "x", "payload": null}"""), "b.json", null)).Message);
        Assert.Contains("not one", Assert.Throws<UsageException>(() => JobFile.ToRequest(Json("""{"type": "x", "payload": {}, "prio": 1}"""), "b.json", null)).Message);
    }

    [Fact]
    public void A_name_outside_comfyui_matches_at_any_depth_and_a_path_adds_a_missing_member()
    {
        var a1111 = Json("""{"mode": "txt2img", "request": {"prompt": "a cat", "seed": -1, "override_settings": {}}}""");
        var template = PayloadTemplate.Compile(a1111, [FieldVariation.Parse("seed=index"), FieldVariation.Parse("$.request.override_settings['sd_model']=model_{index}")]);

        var job = template.Render(7);
        Assert.Equal(7, job.GetProperty("request").GetProperty("seed").GetInt64());
        Assert.Equal("model_7", job.GetProperty("request").GetProperty("override_settings").GetProperty("sd_model").GetString());
        Assert.Equal("a cat", job.GetProperty("request").GetProperty("prompt").GetString());
    }

    [Fact]
    public void Values_follow_the_field_number_or_string_and_are_escaped()
    {
        var workflow = Json("""{"3": {"class_type": "KSampler", "inputs": {"seed": 5, "note": "x"}}}""");
        var template = PayloadTemplate.Compile(workflow, [FieldVariation.Parse("seed={index}"), FieldVariation.Parse("note=say \"{index:000}\"")]);
        var inputs = template.Render(42).GetProperty("3").GetProperty("inputs");
        Assert.Equal(JsonValueKind.Number, inputs.GetProperty("seed").ValueKind);
        Assert.Equal("say \"042\"", inputs.GetProperty("note").GetString());

        var asText = PayloadTemplate.Compile(workflow, [FieldVariation.Parse("note=index")]);
        Assert.Equal("3", asText.Render(3).GetProperty("3").GetProperty("inputs").GetProperty("note").GetString());
    }

    [Theory]
    [InlineData("$")]
    [InlineData("$.")]
    [InlineData("$[x]")]
    [InlineData("$['3'")]
    [InlineData("3.inputs")]
    public void A_bad_path_is_a_usage_error(string path) =>
        Assert.Throws<UsageException>(() => FieldPath.Parse(path));

    [Fact]
    public void Paths_read_dots_quotes_and_indexes()
    {
        Assert.Equal(["3", "inputs", "seed"], FieldPath.Parse("$.3.inputs.seed").Segments);
        Assert.Equal(["a.b", "c", 2], FieldPath.Parse("$['a.b'].c[2]").Segments);
        Assert.Equal("$['6']['inputs']['text']", FieldPath.Parse("$.6.inputs.text").ToString());
    }
}
