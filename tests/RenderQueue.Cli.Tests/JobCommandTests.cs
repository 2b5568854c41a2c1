using System.Text.Json;
using RenderQueue.Core.Jobs;

namespace RenderQueue.Cli.Tests;

public sealed class JobCommandTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<string> SubmitAsync(params string[] extra)
    {
        var result = await _cli.RunAsync(["submit", _cli.Fixture("txt2img.api.json"), .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Assert.Single(result.OutLines);
    }

    [Fact]
    public async Task Submit_prints_the_id_of_a_comfyui_job_and_status_shows_it()
    {
        var id = await SubmitAsync("--queue", "posters", "--priority", "5", "--metadata", "hat=red", "--metadata", "seed=42");
        Assert.True(JobId.IsValid(id), id);

        var status = await _cli.RunAsync("status", id);
        Assert.Equal(0, status.ExitCode);
        Assert.Matches($"(?m)^id: +{id}$", status.Out);
        Assert.Matches("(?m)^state: +queued$", status.Out);
        Assert.Matches("(?m)^position: +1$", status.Out);
        Assert.DoesNotContain('\u001b', status.Out);

        var json = (await _cli.RunAsync("status", id, "--json")).Json();
        Assert.Equal("comfyui", json.GetProperty("type").GetString());
        Assert.Equal("posters", json.GetProperty("queue").GetString());
        Assert.Equal(5, json.GetProperty("priority").GetInt32());
        Assert.Equal("red", json.GetProperty("metadata").GetProperty("hat").GetString());
        Assert.Equal(42, json.GetProperty("metadata").GetProperty("seed").GetInt32());
        Assert.Equal("KSampler", json.GetProperty("payload").GetProperty("3").GetProperty("class_type").GetString());
    }

    [Fact]
    public async Task Submit_reads_standard_input_and_a_submit_body()
    {
        var body = """{"type": "simulated", "payload": {"steps": 3}, "priority": 2, "idempotency_key": "once"}""";
        var first = await _cli.RunAsync(["submit", "-", "--json"], CancellationToken.None, stdin: body);
        var again = await _cli.RunAsync(["submit", "-", "--json"], CancellationToken.None, stdin: body);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal("simulated", first.Json().GetProperty("type").GetString());
        Assert.Equal(first.Json().GetProperty("id").GetString(), again.Json().GetProperty("id").GetString());
    }

    [Fact]
    public async Task Submit_refuses_what_it_cannot_run_with_exit_2()
    {
        var ui = await _cli.RunAsync("submit", _cli.Fixture("txt2img.ui.json"));
        Assert.Equal(2, ui.ExitCode);
        Assert.Contains("Export (API)", ui.Error);

        var unknown = await _cli.RunAsync("submit", _cli.File("request.json", """{"prompt": "a cat", "steps": 20}"""));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("pass --type", unknown.Error);

        var withType = await _cli.RunAsync("submit", _cli.File("a1111.json", """{"mode": "txt2img", "request": {"prompt": "a cat"}}"""), "--type", "a1111");
        Assert.Equal(0, withType.ExitCode);

        var badQueue = await _cli.RunAsync("submit", _cli.Fixture("txt2img.api.json"), "--queue", "no spaces allowed");
        Assert.Equal(2, badQueue.ExitCode);
        Assert.Single(badQueue.Error.Trim().Split('\n'));
        Assert.Contains("queue:", badQueue.Error);
    }

    [Fact]
    public async Task Ls_filters_and_its_json_is_the_api_page()
    {
        var older = await SubmitAsync();
        var newer = await SubmitAsync();
        await _cli.RunAsync(["submit", "-", "--type", "simulated"], CancellationToken.None, stdin: "{}");

        var table = await _cli.RunAsync("ls", "--type", "comfyui");
        Assert.Equal(0, table.ExitCode);
        Assert.StartsWith("ID", table.OutLines[0]);
        Assert.Equal([newer, older], table.OutLines.Skip(1).Select(l => l.Split(' ')[0]));
        Assert.All(table.Out.Split('\n'), line => Assert.Equal(line.TrimEnd(), line));

        var page = (await _cli.RunAsync("ls", "--state", "queued,running", "--limit", "2", "--json")).Json();
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.String, page.GetProperty("next_cursor").ValueKind);

        var all = (await _cli.RunAsync("ls", "--all", "--json")).Json();
        Assert.Equal(3, all.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next_cursor").ValueKind);

        var bad = await _cli.RunAsync("ls", "--state", "done");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("Unknown state 'done'", bad.Error);
    }

    [Fact]
    public async Task Cancel_goes_on_past_an_unknown_job_and_exits_1()
    {
        var a = await SubmitAsync();
        var b = await SubmitAsync();
        var missing = JobId.New(TimeProvider.System);

        var result = await _cli.RunAsync("cancel", a, missing, b, "--reason", "wrong prompt");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(2, result.OutLines.Length);
        Assert.All(result.OutLines, line => Assert.Contains("canceled", line));
        var error = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Equal($"renderq: {missing}: 404 Job not found: Job '{missing}' was not found.", error);

        var retried = await _cli.RunAsync("retry", a, "--json");
        Assert.Equal(0, retried.ExitCode);
        Assert.Equal("queued", retried.Json().GetProperty("items")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Priority_and_flag_act_on_the_job()
    {
        var id = await SubmitAsync();
        var raised = await _cli.RunAsync("priority", id, "10", "--json");
        Assert.Equal(10, raised.Json().GetProperty("priority").GetInt32());

        var notFinished = await _cli.RunAsync("flag", id, "--reason", "hands look wrong");
        Assert.Equal(1, notFinished.ExitCode);
        Assert.Contains("409", notFinished.Error);

        await new WorkerLoop(_cli.Client).RunOneAsync();
        var flagged = await _cli.RunAsync("flag", id, "--reason", "hands look wrong", "--json");
        Assert.Equal(0, flagged.ExitCode);
        Assert.Equal("hands look wrong", flagged.Json().GetProperty("flag_reason").GetString());

        var missingReason = await _cli.RunAsync("flag", id);
        Assert.Equal(2, missingReason.ExitCode);
    }

    [Fact]
    public async Task Ls_reads_past_one_page_and_keeps_the_cursor()
    {
        var job = new Core.Api.SubmitJobRequest { Type = "simulated", Payload = JsonDocument.Parse("{}").RootElement };
        await _cli.Client.SubmitBatchAsync([.. Enumerable.Repeat(job, 600)]);

        var page = (await _cli.RunAsync("ls", "--limit", "550", "--json")).Json();
        Assert.Equal(550, page.GetProperty("items").GetArrayLength());
        var rest = await _cli.Client.ListJobsAsync(new() { Cursor = page.GetProperty("next_cursor").GetString(), Limit = 500 });
        Assert.Equal(50, rest.Items.Count);
        Assert.Equal(601, (await _cli.RunAsync("ls", "--all")).OutLines.Length);
    }
}
